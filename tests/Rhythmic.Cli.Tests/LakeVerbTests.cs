using System.Text.Json;
using Rhythmic.Core.Configuration;
using Rhythmic.Testing;

namespace Rhythmic.Cli.Tests;

/// <summary><c>rhythmic lake verify</c>, and the lake's identity seen from the front door (in the CLI collection: they share environment variables).</summary>
[Collection(nameof(CliTests))]
public sealed class LakeVerbTests : InProcessCli
{
    private async Task<string> UseNewDatabaseAsync(string extra = "")
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        File.WriteAllText(Path.Combine(Home, "appsettings.json"), $$"""{ "Postgres": { "ConnectionString": "{{cs}}" }{{extra}} }""");
        return cs;
    }

    private static readonly string[] Simulate = ["simulate", "--nusers", "400", "--from", "2026-03-02T15:00:00Z", "--to", "2026-03-02T19:00:00Z", "--lake"];

    [Fact]
    public async Task Lake_verify_is_clean_on_a_good_lake_and_reports_a_missing_an_unrecorded_and_a_corrupt_file()
    {
        var cs = await UseNewDatabaseAsync();
        var (exit, _, err) = await RunAsync(Simulate);
        Assert.True(exit == 0, err);
        var lake = Path.Combine(Home, ".local/lake");

        (exit, var output, err) = await RunAsync("lake", "verify");
        Assert.True(exit == 0, output + err);
        var summary = output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith($"lake {lake} (lake ", summary);
        Assert.Contains("clean; ", summary);
        Assert.EndsWith("0 missing, 0 unrecorded, 0 unreadable, 0 temporary", summary);

        var paths = (await TestPostgres.ScalarAsync<string>(cs, "select string_agg(path, ' ' order by path) from lake.files")).Split(' ');
        var (missing, corrupt, copied) = (paths[0], paths[1], paths[2]);
        File.Delete(Path.Combine(lake, missing));
        var bytes = await File.ReadAllBytesAsync(Path.Combine(lake, corrupt));
        await File.WriteAllBytesAsync(Path.Combine(lake, corrupt), bytes[..^8]);   // the footer's length and magic gone
        var unrecorded = copied.Replace(".parquet", "-copy.parquet");
        File.Copy(Path.Combine(lake, copied), Path.Combine(lake, unrecorded));
        var temporary = copied + ".tmp";
        File.Copy(Path.Combine(lake, copied), Path.Combine(lake, temporary));

        (exit, output, err) = await RunAsync("lake", "verify");
        Assert.True(exit == 3, output + err);
        var lines = output.TrimEnd().Split('\n');
        Assert.Contains($"missing     {missing} (", output);
        Assert.Contains(lines, l => l.StartsWith($"unreadable  {corrupt}: footer does not parse", StringComparison.Ordinal)
                                    || l.StartsWith($"unreadable  {corrupt}: {bytes.Length - 8} bytes", StringComparison.Ordinal));
        Assert.Contains($"unrecorded  {unrecorded}\n", output);
        Assert.Contains($"temporary   {temporary}\n", output);
        Assert.Contains("NOT clean; ", lines[^1]);
        Assert.EndsWith("1 missing, 1 unrecorded, 1 unreadable, 1 temporary", lines[^1]);
        Assert.DoesNotContain('\u001b', output);

        (exit, output, _) = await RunAsync("lake", "verify", "--json");
        Assert.Equal(3, exit);
        using (var doc = JsonDocument.Parse(output))
        {
            var r = doc.RootElement;
            Assert.False(r.GetProperty("clean").GetBoolean());
            Assert.Equal("postgres", r.GetProperty("manifest").GetString());
            Assert.Equal(missing, r.GetProperty("missing")[0].GetProperty("path").GetString());
            Assert.Equal(corrupt, r.GetProperty("unreadable")[0].GetProperty("path").GetString());
            Assert.Equal(unrecorded, r.GetProperty("unrecorded")[0].GetString());
            Assert.Equal(temporary, r.GetProperty("temporary")[0].GetString());
        }

        // The load that meets the missing file says so in one line, naming it; no stack trace.
        (exit, _, err) = await RunAsync("load", "full");
        Assert.Equal(1, exit);
        Assert.Contains($"rhythmic: lake file {missing} is recorded in the manifest but missing from {lake}: run `rhythmic lake verify`\n", err);
        Assert.DoesNotContain("Exception", err);
        Assert.DoesNotContain("   at ", err);

        (exit, output, _) = await RunAsync("lake", "verify", "--forget-missing");
        Assert.Equal(3, exit);
        Assert.StartsWith("forgot 1 manifest row(s) of missing files", output);
        Assert.EndsWith("0 missing, 1 unrecorded, 1 unreadable, 1 temporary", output.TrimEnd());
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, $"select count(*) from lake.files where path = '{missing}'"));
    }

    [Fact]
    public async Task Simulate_into_another_directory_keeps_its_own_manifest_which_lake_verify_root_checks()
    {
        var cs = await UseNewDatabaseAsync();
        var (exit, output, err) = await RunAsync([.. Simulate, "otherlake"]);
        Assert.True(exit == 0, err);
        var other = Path.Combine(Home, "otherlake");
        Assert.True(File.Exists(Path.Combine(other, "_rhythmic/manifest.jsonl")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(other, "raw"), "*.parquet", SearchOption.AllDirectories));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files"));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.root"));

        (exit, output, err) = await RunAsync("lake", "verify", "--root", "otherlake");
        Assert.True(exit == 0, output + err);
        Assert.Contains($"manifest {other}/_rhythmic/manifest.jsonl): clean; ", output);

        // Naming the platform's own root is the same as naming none: the platform's manifest.
        (exit, _, err) = await RunAsync([.. Simulate, ".local/lake/"]);
        Assert.True(exit == 0, err);
        Assert.True(await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files") > 0);
        Assert.Equal(Path.Combine(Home, ".local/lake"), await TestPostgres.ScalarAsync<string>(cs, "select root from lake.root"));
    }

    [Fact]
    public async Task A_lake_root_that_is_not_the_manifests_is_refused_by_every_verb_in_one_line()
    {
        await UseNewDatabaseAsync();
        var (exit, output, err) = await RunAsync("lake", "verify");   // binds the manifest to the default Lake:Root
        Assert.True(exit == 0, output + err);
        var lake = Path.Combine(Home, ".local/lake");

        await UseNewDatabaseAsync();   // a new, empty database: binding it to the same directory is refused
        foreach (var args in new[] { new[] { "lake", "verify" }, ["load", "full"], [.. Simulate] })
        {
            (exit, _, err) = await RunAsync(args);
            Assert.Equal(1, exit);
            Assert.StartsWith($"rhythmic: {lake} is lake ", err.Split('\n').Single(l => l.StartsWith("rhythmic: ", StringComparison.Ordinal)));
            Assert.DoesNotContain("   at ", err);
        }
    }
}
