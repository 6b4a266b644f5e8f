using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Testing;

namespace Rhythmic.Cli.Tests;

/// <summary>The front door, run in-process against a home of its own (the tests share environment variables, so they run one at a time).</summary>
[Collection(nameof(CliTests))]
[CollectionDefinition(nameof(CliTests), DisableParallelization = true)]
public sealed class CliTests : InProcessCli
{
    [Fact]
    public async Task A_bad_configuration_value_stops_every_verb_with_its_key()
    {
        File.WriteAllText(Path.Combine(Home, "appsettings.json"), """{ "Kafka": { "Partitions": 0 } }""");
        var (exit, _, err) = await RunAsync("infra", "show");
        Assert.Equal(1, exit);
        Assert.Contains("Kafka:Partitions must be between 1 and 256 (got 0)", err);
    }

    [Fact]
    public async Task Infra_show_prints_where_the_platform_lives()
    {
        var (exit, output, _) = await RunAsync("infra", "show");
        Assert.Equal(0, exit);
        Assert.Contains($"lake={Path.Combine(Home, ".local/lake")}", output);
        Assert.Contains("kafka=embedded", output);
    }

    [Fact]
    public async Task Simulate_writes_one_JSON_lines_file_per_topic()
    {
        var (exit, output, err) = await RunAsync("simulate", "--nusers", "300", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-03T00:00:00Z", "--out", "events");
        Assert.True(exit == 0, err);
        Assert.Contains("events (", output);
        foreach (var topic in new[] { Topics.Listen, Topics.PageView })
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(Home, "events"), topic + "*"));
    }

    [Fact]
    public async Task Simulate_to_the_lake_refuses_continuous_mode()
    {
        var (exit, _, err) = await RunAsync("simulate", "--continuous", "--lake");
        Assert.Equal(1, exit);
        Assert.Contains("--lake backfills history", err);
    }

    [Fact]
    public async Task Simulate_without_a_running_platform_explains_how_to_get_Kafka()
    {
        var (exit, _, err) = await RunAsync("simulate", "--nusers", "10", "--from", "2026-03-02", "--to", "2026-03-02T01:00:00Z");
        Assert.Equal(1, exit);
        Assert.Contains("No Kafka to talk to", err);
    }

    [Fact]
    public async Task Simulate_backfills_the_lake_and_records_every_file()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        File.WriteAllText(Path.Combine(Home, "appsettings.json"), $$"""{ "Postgres": { "ConnectionString": "{{cs}}" } }""");
        var (exit, output, err) = await RunAsync("simulate", "--nusers", "200", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-02T06:00:00Z", "--lake");
        Assert.True(exit == 0, err);
        var events = long.Parse(output.Split(' ')[0].Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(events > 0);
        Assert.Equal(events, await TestPostgres.ScalarAsync<long>(cs, "select coalesce(sum(row_count), 0) from lake.files"));
        Assert.Equal(await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files"),
            Directory.GetFiles(Path.Combine(Home, ".local/lake/raw"), "*.parquet", SearchOption.AllDirectories).Length);
    }
}
