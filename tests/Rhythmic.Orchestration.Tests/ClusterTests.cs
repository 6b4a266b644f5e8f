using Npgsql;
using Quartz;
using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

public sealed class ClusterTests
{
    [Fact]
    public async Task Two_scheduler_nodes_run_each_fire_once_between_them()
    {
        await using var cluster = await TestCluster.CreateAsync();
        cluster.Runner.Load = async (_, _, ct) => { await Task.Delay(20, ct); return new LoadOutcome([], 1); };
        await cluster.StartNodeAsync("node-a");
        await cluster.StartNodeAsync("node-b");
        await using var control = new JobsControl(cluster.ConnectionString);

        const int fires = 8;
        for (var i = 0; i < fires; i++) await control.TriggerAsync(JobNames.IncrementalLoad, null, CancellationToken.None);

        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.IncrementalLoad),
            r => r.Count(x => x.Status == RunStatus.Succeeded) >= fires, $"{fires} incremental loads");
        // Every fire is queued by now, so nothing more can run: each ran exactly once.
        Assert.Equal(fires, runs.Count);
        Assert.Equal(fires, cluster.Runner.IncrementalCalls);
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        // Quartz deletes a fired one-off trigger once the job has returned, after the run is recorded: wait for the last.
        await Eventually.ValueAsync(() => TestPostgres.ScalarAsync<long>(cluster.ConnectionString,
                "select count(*) from ops.qrtz_triggers where job_name = 'incremental-load' and trigger_name <> 'incremental-load.cron'"),
            n => n == 0, "the one-off triggers deleted");
    }

    [Fact]
    public async Task A_job_that_throws_is_retried_with_backoff_then_recorded_failed_with_its_error()
    {
        await using var cluster = await TestCluster.CreateAsync();
        cluster.Runner.Load = (_, call, _) => throw new InvalidOperationException($"lake unreadable (call {call})");
        await cluster.StartNodeAsync("node-a"); // MaxRetries = 2
        await using var control = new JobsControl(cluster.ConnectionString);

        await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);

        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.FullLoad),
            r => r.Any(x => x.Status == RunStatus.Failed), "the full load to fail for good");
        var ordered = runs.OrderBy(r => r.RunId).ToList();
        Assert.Equal([RunStatus.Retrying, RunStatus.Retrying, RunStatus.Failed], ordered.Select(r => r.Status));
        Assert.Equal([0, 1, 2], ordered.Select(r => r.Attempt));
        Assert.Equal([RunOrigins.Manual, RunOrigins.Retry, RunOrigins.Retry], ordered.Select(r => r.Trigger));
        Assert.Equal("lake unreadable (call 3)", ordered[^1].Error);
        Assert.Equal(3, cluster.Runner.FullCalls);
        // Backoff: each retry starts no earlier than its delay (100 ms, then 200 ms) after the failure before it.
        Assert.True(ordered[1].StartedAt - ordered[0].EndedAt!.Value >= TimeSpan.FromMilliseconds(90));
        Assert.True(ordered[2].StartedAt - ordered[1].EndedAt!.Value >= TimeSpan.FromMilliseconds(190));

        var failed = await control.HistoryAsync(JobNames.FullLoad, failedOnly: true, 10, CancellationToken.None);
        Assert.Equal(ordered[^1].RunId, Assert.Single(failed).RunId);
    }

    [Fact]
    public async Task Full_and_incremental_loads_never_overlap_even_across_nodes()
    {
        await using var cluster = await TestCluster.CreateAsync();
        cluster.Runner.Load = async (_, _, ct) => { await Task.Delay(50, ct); return new LoadOutcome([], 1); };
        await cluster.StartNodeAsync("node-a");
        await cluster.StartNodeAsync("node-b");
        await using var control = new JobsControl(cluster.ConnectionString);

        for (var i = 0; i < 4; i++)
        {
            await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);
            await control.TriggerAsync(JobNames.IncrementalLoad, null, CancellationToken.None);
        }

        await Eventually.ValueAsync(() => cluster.RunsAsync(), r => r.Count(x => x.Status == RunStatus.Succeeded) >= 8, "eight loads");
        Assert.Equal(4, cluster.Runner.FullCalls);
        Assert.Equal(4, cluster.Runner.IncrementalCalls);
        Assert.Equal(1, cluster.Runner.MaxConcurrentLoads);
    }

    [Fact]
    public async Task After_an_outage_spanning_several_slots_the_incremental_load_runs_once_then_reconciles_what_it_loaded()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var missed = Enumerable.Range(1, 3).Select(h => DateTime.UtcNow.Date.AddHours(-h)).ToList();
        cluster.Runner.Load = (_, _, _) => Task.FromResult(new LoadOutcome(missed, 300));
        // Hourly, at a minute half an hour away: no regular slot comes due while the test runs.
        var cron = $"0 {(DateTime.UtcNow.Minute + 30) % 60} * * * ?";
        var options = cluster.Options("node-a") with { IncrementalCron = cron };

        // The schedule was stored before the outage; then the cluster was down for three hours (three slots).
        var before = await OrchestratorScheduler.BuildAsync(options, cluster.Runner, null, CancellationToken.None);
        await OrchestratorScheduler.EnsureScheduleAsync(before, options, CancellationToken.None);
        await before.Shutdown(false, CancellationToken.None);
        await ShiftNextFireAsync(cluster.ConnectionString, OrchestratorScheduler.CronKey(JobNames.IncrementalLoad), TimeSpan.FromHours(-3));

        var node = await cluster.StartNodeAsync("node-a", o => o with { IncrementalCron = cron });

        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.IncrementalLoad),
            r => r.Any(x => x.Status == RunStatus.Succeeded), "the misfired incremental load");
        var reconcile = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.Reconcile),
            r => r.Any(x => x.Status == RunStatus.Succeeded), "the reconcile after it");

        var next = (await node.GetTrigger(OrchestratorScheduler.CronKey(JobNames.IncrementalLoad), CancellationToken.None))!.NextFireTimeUtc;
        Assert.True(next > DateTimeOffset.UtcNow, $"the trigger moved on to a future slot (next {next})");
        var run = Assert.Single(await cluster.RunsAsync(JobNames.IncrementalLoad));
        Assert.Equal(RunOrigins.Schedule, run.Trigger);
        Assert.Equal(missed.Order(), run.Hours.Order());
        Assert.Equal(1, cluster.Runner.IncrementalCalls);
        var check = Assert.Single(reconcile);
        Assert.Equal(RunOrigins.AfterIncremental, check.Trigger);
        Assert.Equal(missed.Order(), check.Hours.Order());
        Assert.Equal(missed.Order(), cluster.Runner.Reconciled.Order());
    }

    [Fact]
    public async Task A_node_killed_mid_job_has_its_job_recovered_by_the_other_node()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var hung = new TaskCompletionSource<LoadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first run hangs, deaf to cancellation, as a process that is about to die; the recovered run completes.
        cluster.Runner.Load = (_, call, _) => call == 1 ? hung.Task : Task.FromResult(new LoadOutcome([], 7));
        try
        {
            var a = await cluster.StartNodeAsync("node-a");
            await using var control = new JobsControl(cluster.ConnectionString);
            await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);
            await Eventually.TrueAsync(() => cluster.Runner.FullCalls == 1, "node-a to start the full load");
            await cluster.StartNodeAsync("node-b");

            // Kill node-a: it stops checking in and its database sessions (and so the load lock) die with it.
            await a.Shutdown(false, CancellationToken.None);
            await KillSessionsHoldingTheLoadLockAsync(cluster.ConnectionString);

            var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.FullLoad),
                r => r.Any(x => x.Status == RunStatus.Succeeded), "node-b to recover the full load");
            var recovered = Assert.Single(runs, r => r.Status == RunStatus.Succeeded);
            Assert.Equal("node-b", recovered.InstanceId);
            Assert.Equal(RunOrigins.Recovery, recovered.Trigger);
            Assert.Equal(7, recovered.Rows);
            var dead = Assert.Single(runs, r => r.InstanceId == "node-a");
            Assert.Equal(RunStatus.Abandoned, dead.Status);
            Assert.Equal(2, cluster.Runner.FullCalls);
        }
        finally
        {
            hung.TrySetException(new OperationCanceledException("test over"));
        }
    }

    private static async Task ShiftNextFireAsync(string cs, TriggerKey key, TimeSpan by)
    {
        // Quartz stores fire times as UTC ticks.
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("update ops.qrtz_triggers set next_fire_time = next_fire_time + $1 where trigger_name = $2 and trigger_group = $3", conn);
        cmd.Parameters.Add(new() { Value = by.Ticks });
        cmd.Parameters.Add(new() { Value = key.Name });
        cmd.Parameters.Add(new() { Value = key.Group });
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    // Only this test's database: other tests migrate their own databases of the same cluster meanwhile, holding the
    // migrator's advisory lock (killing those failed them with 57P01).
    private static async Task KillSessionsHoldingTheLoadLockAsync(string cs)
        => await TestPostgres.ExecAsync(cs,
            "select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and pid <> pg_backend_pid() " +
            "and database = (select oid from pg_database where datname = current_database())");
}
