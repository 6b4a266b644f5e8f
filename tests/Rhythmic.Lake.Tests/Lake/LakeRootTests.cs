using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Identity;
using Rhythmic.Lake.Landing;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>One lake, one manifest: the platform's manifest is bound to one directory, and a backfill elsewhere keeps its own.</summary>
public sealed class LakeRootTests : IDisposable
{
    private static readonly DateTimeOffset From = new(2024, 5, 6, 15, 0, 0, TimeSpan.Zero);   // afternoon in the US: enough events in a few hours
    private readonly List<string> _dirs = [];

    private string NewDir(string name = "lake")
    {
        var dir = Directory.CreateTempSubdirectory($"rhythmic-root-{name}-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var d in _dirs) try { Directory.Delete(d, recursive: true); } catch (IOException) { }
    }

    private static async Task<long> SimulateAsync(LakeSink sink, int hours, long seed)
    {
        await using (sink)
            await new Simulation(new SimulationOptions { Users = 150, From = From, To = From.AddHours(hours), Seed = seed, Workers = 1 }).RunAsync(sink, CancellationToken.None);
        return sink.Events;
    }

    private const string ManifestDigest = "select count(*) || ':' || coalesce(md5(string_agg(path || row_count || bytes, ',' order by path)), '') from lake.files";

    [Fact]
    public async Task A_backfill_into_another_directory_keeps_its_own_manifest_and_never_touches_the_platforms()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var home = NewDir("home");
        var platform = Path.Combine(home, ".local/lake");
        var settings = new RhythmicSettings { Home = home, Postgres = { ConnectionString = cs }, Lake = { Root = ".local/lake" } };
        var platformEvents = await SimulateAsync(await LakeSink.CreateAsync(settings, TestPostgres.DataSource(cs), null, From.AddHours(4)), 4, 1);
        var before = await TestPostgres.ScalarAsync<string>(cs, ManifestDigest);
        var watermarksBefore = await TestPostgres.ScalarAsync<string>(cs, "select string_agg(topic || kafka_partition || watermark, ',' order by topic) from lake.watermarks");

        var other = NewDir("other");
        var sink = await LakeSink.CreateAsync(settings, null, other, From.AddHours(6));
        Assert.Equal(Path.Combine(other, LakeMarker.ManifestPath), sink.ManifestLocation);
        var otherEvents = await SimulateAsync(sink, 6, 2);
        Assert.True(otherEvents > 100 && platformEvents > 100, $"{otherEvents} and {platformEvents} events");

        Assert.Equal(before, await TestPostgres.ScalarAsync<string>(cs, ManifestDigest));
        Assert.Equal(watermarksBefore, await TestPostgres.ScalarAsync<string>(cs, "select string_agg(topic || kafka_partition || watermark, ',' order by topic) from lake.watermarks"));
        Assert.Equal(platformEvents, await TestPostgres.ScalarAsync<long>(cs, "select sum(row_count)::bigint from lake.files"));
        var own = StandaloneLakeManifest.Open(new LocalLakeStorage(other));
        Assert.Equal(LakeManifestKind.File, own.Marker.Manifest);
        Assert.Equal(otherEvents, own.Files.Sum(f => f.RowCount));
        Assert.All(own.Files, f => Assert.True(File.Exists(Path.Combine(other, f.Path)), f.Path));
        Assert.Equal(LakeManifestKind.Postgres, LakeMarker.Read(new LocalLakeStorage(platform))!.Manifest);

        // DuckDB reads the other directory whole, and only its Parquet files (the manifest and marker sit outside raw/).
        var (rows, _) = await DuckDb.QueryAsync(
            $"select count(*)::bigint as n from read_parquet('{other}/raw/*/*/*/*/*/*.parquet', hive_partitioning = true, union_by_name = true)");
        Assert.Equal(otherEvents, long.Parse(rows[0].GetProperty("n").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(LakeVerifier.Verify(new LocalLakeStorage(other)).Clean);

        // A second backfill into the same directory adds to its own manifest.
        var more = await SimulateAsync(await LakeSink.CreateAsync(settings, null, other, From.AddHours(2)), 2, 3);
        Assert.Equal(otherEvents + more, StandaloneLakeManifest.Open(new LocalLakeStorage(other)).Files.Sum(f => f.RowCount));
        Assert.Equal(before, await TestPostgres.ScalarAsync<string>(cs, ManifestDigest));
    }

    [Fact]
    public void Simulate_lake_naming_the_platforms_own_root_is_the_same_as_naming_none()
    {
        var settings = new RhythmicSettings { Home = "/srv/rhythmic", Lake = { Root = ".local/lake" } };
        Assert.True(LakeSink.TargetsPlatformLake(settings, null));
        Assert.True(LakeSink.TargetsPlatformLake(settings, ".local/lake/"));
        Assert.True(LakeSink.TargetsPlatformLake(settings, "/srv/rhythmic/.local/./lake"));
        Assert.False(LakeSink.TargetsPlatformLake(settings, "../otherlake"));
    }

    [Fact]
    public async Task The_first_directory_claims_an_unbound_manifest_and_writes_its_marker()
    {
        var manifest = new LakeManifest(TestPostgres.DataSource(await TestPostgres.CreateDatabaseAsync()));
        var dir = NewDir();
        var binding = await manifest.BindRootAsync(new LocalLakeStorage(dir));
        Assert.Equal((binding.LakeId, dir), await manifest.BoundRootAsync());
        Assert.Equal(binding.LakeId, LakeMarker.Read(new LocalLakeStorage(dir))!.LakeId);
        Assert.Equal(binding, await manifest.BindRootAsync(new LocalLakeStorage(dir + "/")));
    }

    [Fact]
    public async Task Landers_starting_together_on_a_new_lake_all_bind_it_to_one_id()
    {
        // Scaled landers start at once: every one of them binds the fresh directory and writes its marker. They once
        // wrote the marker through one temporary file, so a lander whose rename lost the race died before consuming.
        for (var round = 0; round < 3; round++)
        {
            var manifest = new LakeManifest(TestPostgres.DataSource(await TestPostgres.CreateDatabaseAsync()));
            var dir = NewDir();
            using var start = new Barrier(8);
            var binders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await manifest.BindRootAsync(new LocalLakeStorage(dir));
            })).ToList();
            var bindings = await Task.WhenAll(binders);
            Assert.Single(bindings.Select(b => b.LakeId).Distinct());
            Assert.Equal(bindings[0].LakeId, LakeMarker.Read(new LocalLakeStorage(dir))!.LakeId);
            Assert.Empty(Directory.EnumerateFiles(dir, "*" + LakeLayout.TempSuffix, SearchOption.AllDirectories));
        }
    }

    [Fact]
    public async Task A_directory_that_is_not_the_manifests_is_refused_with_one_line_saying_what_to_do()
    {
        var manifest = new LakeManifest(TestPostgres.DataSource(await TestPostgres.CreateDatabaseAsync()));
        var platform = NewDir();
        var bound = await manifest.BindRootAsync(new LocalLakeStorage(platform));

        // No marker at another path: the user's case (a Lake:Root pointed elsewhere).
        var empty = NewDir("empty");
        var e = await Assert.ThrowsAsync<LakeRootMismatchException>(() => manifest.BindRootAsync(new LocalLakeStorage(empty)));
        Assert.Contains(platform, e.Message);
        Assert.Contains($"set Lake:Root to {platform}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Null(LakeMarker.Read(new LocalLakeStorage(empty)));

        // Another platform's lake.
        var foreign = NewDir("foreign");
        LakeMarker.New(LakeManifestKind.Postgres).Write(new LocalLakeStorage(foreign));
        e = await Assert.ThrowsAsync<LakeRootMismatchException>(() => manifest.BindRootAsync(new LocalLakeStorage(foreign)));
        Assert.Contains(bound.LakeId.ToString(), e.Message);

        // A standalone lake (a backfill's).
        var standalone = NewDir("standalone");
        StandaloneLakeManifest.OpenOrCreate(new LocalLakeStorage(standalone));
        e = await Assert.ThrowsAsync<LakeRootMismatchException>(() => manifest.BindRootAsync(new LocalLakeStorage(standalone)));
        Assert.Contains("standalone lake", e.Message);

        // And a standalone backfill refuses a platform's lake.
        Assert.Throws<LakeRootMismatchException>(() => StandaloneLakeManifest.OpenOrCreate(new LocalLakeStorage(platform)));
        Assert.Equal((bound.LakeId, platform), await manifest.BoundRootAsync());
    }

    [Fact]
    public async Task A_lander_pointed_at_another_directory_stops_before_consuming()
    {
        var manifest = new LakeManifest(TestPostgres.DataSource(await TestPostgres.CreateDatabaseAsync()));
        await manifest.BindRootAsync(new LocalLakeStorage(NewDir()));
        var lander = new Lander(new LanderOptions { BootstrapServers = "127.0.0.1:1" }, new LocalLakeStorage(NewDir("other")), manifest, NullLogger.Instance);
        var e = await Assert.ThrowsAsync<LakeRootMismatchException>(() => lander.RunAsync(CancellationToken.None));
        Assert.Contains("holds no lake marker", e.Message);
    }

    [Fact]
    public async Task A_backfill_sink_into_a_directory_that_is_not_the_manifests_commits_nothing()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var manifest = new LakeManifest(TestPostgres.DataSource(cs));
        await manifest.BindRootAsync(new LocalLakeStorage(NewDir()));
        var sink = new LakeSink(new LocalLakeStorage(NewDir("other")), manifest, new LakeSinkOptions { WatermarkAt = From.AddHours(1) });
        await Assert.ThrowsAsync<LakeRootMismatchException>(() => SimulateAsync(sink, 1, 4));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files"));
    }

    [Fact]
    public async Task A_lake_moved_with_its_marker_is_followed()
    {
        var manifest = new LakeManifest(TestPostgres.DataSource(await TestPostgres.CreateDatabaseAsync()));
        var old = NewDir("old");
        var bound = await manifest.BindRootAsync(new LocalLakeStorage(old));
        var moved = NewDir("moved");
        Directory.Delete(moved);
        Directory.Move(old, moved);
        var binding = await manifest.BindRootAsync(new LocalLakeStorage(moved));
        Assert.Equal(new LakeBinding(bound.LakeId, moved, old), binding);
        Assert.Equal((bound.LakeId, moved), await manifest.BoundRootAsync());
    }

    [Fact]
    public async Task Verify_of_a_standalone_lake_reports_a_row_count_other_than_recorded_a_missing_and_an_unrecorded_file()
    {
        var dir = NewDir("standalone");
        var storage = new LocalLakeStorage(dir);
        await SimulateAsync(new LakeSink(storage, StandaloneLakeManifest.OpenOrCreate(storage), new LakeSinkOptions { WatermarkAt = From.AddHours(3) }), 3, 6);
        var files = StandaloneLakeManifest.Open(storage).Files;
        Assert.True(files.Count >= 3, $"{files.Count} files");
        Assert.True(LakeVerifier.Verify(storage).Clean);

        // The manifest says one more row than the first file holds; the second file is gone; a stray file sits in raw/.
        var manifestPath = Path.Combine(dir, LakeMarker.ManifestPath);
        var lines = File.ReadAllLines(manifestPath);
        var first = lines.Select((l, i) => (l, i)).First(x => x.l.Contains($"\"path\":\"{files[0].Path}\"", StringComparison.Ordinal)).i;
        lines[first] = lines[first].Replace($"\"rowCount\":{files[0].RowCount},", $"\"rowCount\":{files[0].RowCount + 1},", StringComparison.Ordinal);
        File.WriteAllLines(manifestPath, lines);
        File.Delete(Path.Combine(dir, files[1].Path));
        var stray = files[2].Path.Replace(".parquet", "-stray.parquet", StringComparison.Ordinal);
        File.Copy(Path.Combine(dir, files[2].Path), Path.Combine(dir, stray));

        var report = LakeVerifier.Verify(storage);
        Assert.False(report.Clean);
        Assert.Equal(files[0].Path, Assert.Single(report.Unreadable).Path);
        Assert.Equal($"{files[0].RowCount} rows, the manifest records {files[0].RowCount + 1}", report.Unreadable[0].Reason);
        Assert.Equal(files[1].Path, Assert.Single(report.Missing).Path);
        Assert.Equal(stray, Assert.Single(report.Unrecorded));
        Assert.Empty(report.Temporary);
    }
}
