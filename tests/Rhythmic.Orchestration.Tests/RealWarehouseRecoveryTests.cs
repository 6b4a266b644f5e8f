using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

/// <summary>Scheduler recovery with the real warehouse loads on a lake the simulator wrote.</summary>
public sealed class RealWarehouseRecoveryTests
{
    [Fact]
    public async Task A_node_killed_in_the_middle_of_a_real_full_load_is_recovered_and_the_warehouse_ends_correct()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var from = new DateTimeOffset(2026, 3, 1, 20, 0, 0, TimeSpan.Zero);
        var to = from.AddHours(8);   // two dates, so the full load replaces one day and is still open when the node dies
        var lakeRoot = Directory.CreateTempSubdirectory("rhythmic-orch-lake-").FullName;
        await using (var sink = new LakeSink(new LocalLakeStorage(lakeRoot), new Rhythmic.Lake.LakeManifest(cluster.ConnectionString), new LakeSinkOptions { WatermarkAt = to }))
            await new Simulation(new SimulationOptions { From = from, To = to, Users = 400, Seed = 11, Workers = 1 }).RunAsync(sink, default);
        var settings = new RhythmicSettings { Home = lakeRoot, Postgres = { ConnectionString = cluster.ConnectionString }, Lake = { Root = lakeRoot } };

        // Node A's loader stops inside its transaction, right after replacing the first day, as a process about to die.
        var midLoad = new PauseOnFirst("Replaced");
        using var factoryA = LoggerFactory.Create(b => b.AddProvider(midLoad));
        var nodeA = await OrchestratorService.StartNodeAsync(cluster.Options("node-a"), WarehouseLoadRunner.Create(settings, factoryA), NullLoggerFactory.Instance, CancellationToken.None);
        await using var control = new JobsControl(cluster.ConnectionString);
        await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);
        await midLoad.Reached.Task.WaitAsync(TimeSpan.FromSeconds(120));

        var nodeB = await OrchestratorService.StartNodeAsync(cluster.Options("node-b"), WarehouseLoadRunner.Create(settings, NullLoggerFactory.Instance), NullLoggerFactory.Instance, CancellationToken.None);
        try
        {
            // Kill node A: it stops checking in, and its database sessions (its open load transaction, its lock) die.
            await nodeA.Shutdown(false, CancellationToken.None);
            await TestPostgres.ExecAsync(cluster.ConnectionString,
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null and query not ilike '%qrtz%'");
            midLoad.Release();

            var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.FullLoad),
                r => r.Any(x => x.Status == RunStatus.Succeeded), "node-b to recover the full load", seconds: 120);
            Assert.Equal("node-b", Assert.Single(runs, r => r.Status == RunStatus.Succeeded).InstanceId);
            Assert.Contains(runs, r => r.InstanceId == "node-a" && r.Status is RunStatus.Abandoned or RunStatus.Failed or RunStatus.Retrying);

            // Every complete hour of the lake is in the warehouse once: facts and load state agree with the manifest.
            var lakeEvents = await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select sum(row_count) from lake.files");
            Assert.Equal(lakeEvents, await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select sum(events) from dw.load_state"));
            Assert.Equal(8, await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select count(*) from dw.load_state"));
            Assert.Equal(
                await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select sum(row_count) from lake.files where topic = 'listen_events'"),
                await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select count(*) from dw.fact_listen"));
            Assert.Equal(
                await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select sum(row_count) from lake.files where topic = 'page_view_events'"),
                await TestPostgres.ScalarAsync<long>(cluster.ConnectionString, "select count(*) from dw.fact_page_view"));
        }
        finally
        {
            midLoad.Release();
            await nodeB.Shutdown(false, CancellationToken.None);
        }
    }

    /// <summary>A logger provider that holds the first thread to log a message containing a phrase until released.</summary>
    private sealed class PauseOnFirst(string phrase) : ILoggerProvider, ILogger
    {
        private readonly ManualResetEventSlim _gate = new(false);
        private int _seen;
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Release() => _gate.Set();
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!formatter(state, exception).Contains(phrase, StringComparison.Ordinal) || Interlocked.Exchange(ref _seen, 1) == 1) return;
            Reached.TrySetResult();
            _gate.Wait(TimeSpan.FromSeconds(120));
        }
        public void Dispose() => _gate.Dispose();
    }
}
