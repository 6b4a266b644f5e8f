using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

/// <summary>The scheduled loads on a lake that lost a recorded file: a bounded number of attempts, each recording the one-line error.</summary>
public sealed class MissingLakeFileTests
{
    [Fact]
    public async Task An_incremental_load_missing_a_lake_file_is_retried_MaxRetries_times_then_recorded_failed_with_the_one_line_error()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var from = new DateTimeOffset(2026, 3, 1, 16, 0, 0, TimeSpan.Zero);
        var to = from.AddHours(2);
        var lakeRoot = Directory.CreateTempSubdirectory("rhythmic-orch-missing-").FullName;
        try
        {
            await using (var sink = new LakeSink(new LocalLakeStorage(lakeRoot), new Rhythmic.Lake.LakeManifest(TestPostgres.DataSource(cluster.ConnectionString)), new LakeSinkOptions { WatermarkAt = to }))
                await new Simulation(new SimulationOptions { From = from, To = to, Users = 300, Seed = 2, Workers = 1 }).RunAsync(sink, default);
            var path = await TestPostgres.ScalarAsync<string>(cluster.ConnectionString, "select path from lake.files order by path limit 1");
            File.Delete(Path.Combine(lakeRoot, path));
            var settings = new RhythmicSettings { Home = lakeRoot, Postgres = { ConnectionString = cluster.ConnectionString }, Lake = { Root = lakeRoot } };
            var options = cluster.Options("node-a");
            await cluster.StartNodeAsync(options, WarehouseLoadRunner.Create(settings, options.DataSource, NullLoggerFactory.Instance));
            var control = new JobsControl(TestPostgres.DataSource(cluster.ConnectionString));

            var id = await control.TriggerAsync(JobNames.IncrementalLoad, null, CancellationToken.None);

            await Eventually.ValueAsync(() => control.StateAsync(id, CancellationToken.None), JobsControl.IsFinal, "the incremental load to fail after its retries", seconds: 120);
            Assert.Equal("Failed", await control.StateAsync(id, CancellationToken.None));
            var runs = await control.RunsOfJobAsync(id, CancellationToken.None);
            var expected = $"lake file {path} is recorded in the manifest but missing from {lakeRoot}: run `rhythmic lake verify`";
            Assert.Equal(options.MaxRetries + 1, runs.Count);
            Assert.All(runs, r => Assert.Equal(expected, r.Error));
            Assert.Equal(Enumerable.Range(0, options.MaxRetries + 1), runs.Select(r => r.Attempt));
            Assert.Equal(RunStatus.Failed, runs[^1].Status);
            Assert.All(runs.SkipLast(1), r => Assert.Equal(RunStatus.Retrying, r.Status));
            Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select count(*) from dw.load_state"));
        }
        finally
        {
            Directory.Delete(lakeRoot, recursive: true);
        }
    }
}
