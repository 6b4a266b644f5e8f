using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

/// <summary>A Hangfire server's death mid-load, with the real warehouse loads on a lake the simulator wrote.</summary>
public sealed class RealWarehouseRecoveryTests
{
    [Fact]
    public async Task A_server_killed_in_the_middle_of_a_real_full_load_is_recovered_and_the_warehouse_ends_correct()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var from = new DateTimeOffset(2026, 3, 1, 20, 0, 0, TimeSpan.Zero);
        var to = from.AddHours(8);   // two dates, so the full load replaces one day and is still open when the node dies
        var lakeRoot = Directory.CreateTempSubdirectory("rhythmic-orch-lake-").FullName;
        await using (var sink = new LakeSink(new LocalLakeStorage(lakeRoot), new Rhythmic.Lake.LakeManifest(TestPostgres.DataSource(cluster.ConnectionString)), new LakeSinkOptions { WatermarkAt = to }))
            await new Simulation(new SimulationOptions { From = from, To = to, Users = 400, Seed = 11, Workers = 1 }).RunAsync(sink, default);
        // Each server loads through its own named sessions, so that killing one kills its sessions only.
        RhythmicSettings SettingsOf(string node) => new() { Home = lakeRoot, Postgres = { ConnectionString = cluster.ConnectionStringOf(node) }, Lake = { Root = lakeRoot } };

        // Server A's loader stops inside its transaction, right after replacing the first day, as a process about to die.
        var midLoad = new PauseOnFirst("Replaced");
        using var factoryA = LoggerFactory.Create(b => b.AddProvider(midLoad));
        try
        {
            var nodeA = await cluster.StartNodeAsync(cluster.Options("node-a"), WarehouseLoadRunner.Create(SettingsOf("node-a"), TestPostgres.DataSource(cluster.ConnectionStringOf("node-a")), factoryA));
            var control = new JobsControl(TestPostgres.DataSource(cluster.ConnectionString));
            var id = await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);
            await midLoad.Reached.Task.WaitAsync(TimeSpan.FromSeconds(120));
            await cluster.StartNodeAsync(cluster.Options("node-b"), WarehouseLoadRunner.Create(SettingsOf("node-b"), TestPostgres.DataSource(cluster.ConnectionStringOf("node-b")), NullLoggerFactory.Instance));

            // Kill server A: it stops renewing its job, and its sessions (its open load transaction, its locks) die.
            await cluster.KillAsync(nodeA);

            await Eventually.ValueAsync(() => control.StateAsync(id, CancellationToken.None), JobsControl.IsFinal, "node-b to recover the full load", seconds: 120);
            Assert.Equal("Succeeded", await control.StateAsync(id, CancellationToken.None));
            var runs = await control.RunsOfJobAsync(id, CancellationToken.None);
            Assert.Equal([("node-a", RunStatus.Abandoned), ("node-b", RunStatus.Succeeded)], runs.Select(r => (r.InstanceId, r.Status)));
            Assert.Equal(RunOrigins.Recovery, runs[1].Trigger);

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
            // The dead server's thread, blocked until now, finds its sessions gone; its writes were never committed.
            midLoad.Release();
            Directory.Delete(lakeRoot, recursive: true);
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
