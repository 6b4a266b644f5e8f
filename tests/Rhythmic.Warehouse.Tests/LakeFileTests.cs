using Rhythmic.Lake;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Identity;
using Rhythmic.Simulator;
using Rhythmic.Testing;

namespace Rhythmic.Warehouse.Tests;

/// <summary>The loads and the lake's identity: a load reads only its own lake, and stops in one line on a file it cannot read.</summary>
public sealed class LakeFileTests
{
    private static readonly DateTimeOffset From = new(2024, 3, 9, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(3);

    private const string ManifestDigest = "select count(*) || ':' || md5(string_agg(path || row_count || bytes, ',' order by path)) from lake.files";

    [Fact]
    public async Task A_backfill_into_another_directory_leaves_the_platforms_manifest_untouched_and_its_full_load_works()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 1000);
        var before = await lake.Db.ScalarAsync<string>(ManifestDigest);
        var other = Directory.CreateTempSubdirectory("rhythmic-wh-other-").FullName;
        try
        {
            // The user's `rhythmic simulate --lake ../otherlake` with the platform running: same settings, another directory.
            var sink = await LakeSink.CreateAsync(lake.Settings, null, other, To.AddHours(2));
            await using (sink)
                await new Simulation(new SimulationOptions { From = From.AddHours(-1), To = To.AddHours(2), Users = 500, Seed = 5, Workers = 1 }).RunAsync(sink, default);
            Assert.True(sink.Events > 100, $"{sink.Events} events");
            Assert.Equal(before, await lake.Db.ScalarAsync<string>(ManifestDigest));

            var result = await lake.Loader().FullLoadAsync(default);
            Assert.Equal(3, result.Hours.Count);
            Assert.Equal(await lake.Db.ScalarAsync<long>("select sum(row_count) from lake.files"), result.Rows);

            var (rows, _) = await DuckDb.QueryAsync(
                $"select count(*)::bigint as n from read_parquet('{other}/raw/*/*/*/*/*/*.parquet', hive_partitioning = true, union_by_name = true)");
            Assert.Equal(sink.Events, long.Parse(rows[0].GetProperty("n").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task A_load_with_a_deleted_recorded_file_stops_with_one_line_naming_it()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 1000, seed: 3);
        var path = await lake.Db.ScalarAsync<string>("select path from lake.files where topic = 'listen_events' order by path limit 1");
        File.Delete(Path.Combine(lake.Root, path));

        foreach (var load in new Func<Task>[] { () => lake.Loader().FullLoadAsync(default), () => lake.Loader().IncrementalLoadAsync(default) })
        {
            var e = await Assert.ThrowsAsync<LakeFileException>(load);
            Assert.Equal($"lake file {path} is recorded in the manifest but missing from {lake.Root}: run `rhythmic lake verify`", e.Message);
        }
        Assert.Equal(0, await lake.Db.ScalarAsync<long>("select count(*) from dw.load_state"));
    }

    [Fact]
    public async Task Corrupt_files_read_by_both_lanes_stop_the_load_with_one_line_not_an_AggregateException()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 1000, seed: 9);
        // One file for each lane of the first pass (page views; the other topics), so both threads fail.
        var paths = new List<string>();
        foreach (var topic in new[] { "page_view_events", "listen_events" })
        {
            var path = await lake.Db.ScalarAsync<string>($"select path from lake.files where topic = '{topic}' order by path limit 1");
            var full = Path.Combine(lake.Root, path);
            var bytes = await File.ReadAllBytesAsync(full);
            await File.WriteAllBytesAsync(full, bytes[..(bytes.Length / 2)]);
            paths.Add(path);
        }

        var e = await Assert.ThrowsAsync<LakeFileException>(() => lake.Loader().FullLoadAsync(default));
        Assert.Contains(e.FilePath, paths);
        Assert.StartsWith($"lake file {e.FilePath} is recorded in the manifest but unreadable in {lake.Root} (", e.Message);
        Assert.EndsWith("): run `rhythmic lake verify`", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(0, await lake.Db.ScalarAsync<long>("select count(*) from dw.load_state"));
    }

    [Fact]
    public async Task A_load_whose_lake_root_is_not_the_manifests_is_refused()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 300, seed: 4);
        var elsewhere = Directory.CreateTempSubdirectory("rhythmic-wh-elsewhere-").FullName;
        try
        {
            var settings = new Rhythmic.Core.Configuration.RhythmicSettings { Home = elsewhere, Postgres = { ConnectionString = lake.Db.ConnectionString }, Lake = { Root = elsewhere } };
            var loader = new WarehouseLoader(settings, TestPostgres.DataSource(settings.Postgres.EffectiveConnectionString), Microsoft.Extensions.Logging.Abstractions.NullLogger<WarehouseLoader>.Instance);
            var e = await Assert.ThrowsAsync<LakeRootMismatchException>(() => loader.IncrementalLoadAsync(default));
            Assert.Contains($"belongs to the lake at {lake.Root}", e.Message);
            Assert.Equal(0, await lake.Db.ScalarAsync<long>("select count(*) from dw.load_state"));
            Assert.Equal(3, (await lake.Loader().IncrementalLoadAsync(default)).Hours.Count);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
