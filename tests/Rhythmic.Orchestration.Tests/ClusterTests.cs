using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

/// <summary>Several Hangfire servers on one storage: each slot once, retries, the loads' exclusion, misfires, recovery.</summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task Two_servers_run_each_recurring_slot_once_between_them()
    {
        await using var cluster = await TestCluster.CreateAsync();
        // Every second: both servers' schedulers see every slot come due.
        Func<OrchestrationOptions, OrchestrationOptions> everySecond = o => o with { IncrementalCron = "* * * * * *" };
        var a = await cluster.StartNodeAsync("node-a", everySecond);
        await cluster.StartNodeAsync("node-b", everySecond);

        await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.IncrementalLoad),
            r => r.Count(x => x.Status == RunStatus.Succeeded) >= 6, "six slots of the incremental load");
        new RecurringJobManager(a.Storage).RemoveIfExists(JobNames.IncrementalLoad);
        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.IncrementalLoad),
            r => r.All(x => x.Status != RunStatus.Running), "the last slot's run to end");

        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.All(runs, r => Assert.Equal(RunOrigins.Schedule, r.Trigger));
        // One run per Hangfire job, and one Hangfire job per slot.
        Assert.Equal(runs.Count, runs.Select(r => r.JobId).Distinct().Count());
        Assert.Equal(runs.Count, runs.Select(r => r.ScheduledAt).Distinct().Count());
        Assert.Equal(runs.Count, cluster.Runner.IncrementalCalls);
    }

    [Fact]
    public async Task A_job_that_throws_is_retried_with_backoff_then_recorded_failed_with_its_error()
    {
        await using var cluster = await TestCluster.CreateAsync();
        cluster.Runner.Load = (_, call, _) => throw new InvalidOperationException($"lake unreadable (call {call})");
        await cluster.StartNodeAsync("node-a", o => o with { RetryBackoff = TimeSpan.FromSeconds(2) }); // MaxRetries = 2
        var control = new JobsControl(TestPostgres.DataSource(cluster.ConnectionString));

        var id = await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);

        await Eventually.ValueAsync(() => control.StateAsync(id, CancellationToken.None), JobsControl.IsFinal, "the full load to fail for good");
        Assert.Equal("Failed", await control.StateAsync(id, CancellationToken.None));
        var ordered = (await cluster.RunsAsync(JobNames.FullLoad)).OrderBy(r => r.RunId).ToList();
        Assert.Equal([RunStatus.Retrying, RunStatus.Retrying, RunStatus.Failed], ordered.Select(r => r.Status));
        Assert.Equal([0, 1, 2], ordered.Select(r => r.Attempt));
        Assert.Equal([RunOrigins.Manual, RunOrigins.Retry, RunOrigins.Retry], ordered.Select(r => r.Trigger));
        Assert.All(ordered, r => Assert.Equal(id, r.JobId));
        Assert.Equal("lake unreadable (call 3)", ordered[^1].Error);
        Assert.Equal(3, cluster.Runner.FullCalls);
        // Backoff: each retry starts no earlier than its delay (2 s, then 4 s) after the failure before it, less the
        // second Hangfire rounds a scheduled time down to.
        Assert.True(ordered[1].StartedAt - ordered[0].EndedAt!.Value >= TimeSpan.FromSeconds(1), $"first retry {ordered[1].StartedAt - ordered[0].EndedAt!.Value} after");
        Assert.True(ordered[2].StartedAt - ordered[1].EndedAt!.Value >= TimeSpan.FromSeconds(3), $"second retry {ordered[2].StartedAt - ordered[1].EndedAt!.Value} after");

        var failed = await control.HistoryAsync(JobNames.FullLoad, failedOnly: true, 10, CancellationToken.None);
        Assert.Equal(ordered[^1].RunId, Assert.Single(failed).RunId);
    }

    [Fact]
    public async Task Full_and_incremental_loads_never_overlap_even_across_servers()
    {
        await using var cluster = await TestCluster.CreateAsync();
        cluster.Runner.Load = async (_, _, ct) => { await Task.Delay(50, ct); return new LoadOutcome([], 1); };
        await cluster.StartNodeAsync("node-a");
        await cluster.StartNodeAsync("node-b");
        var control = new JobsControl(TestPostgres.DataSource(cluster.ConnectionString));

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
        var cron = $"{(DateTime.UtcNow.Minute + 30) % 60} * * * *";

        // The schedule was stored before the outage; then no server ran for three hours (three slots).
        var storage = HangfireSetup.Storage(TestPostgres.DataSource(cluster.ConnectionString), prepareSchema: true);
        new RecurringJobManager(storage).AddOrUpdate(JobNames.IncrementalLoad,
            Job.FromExpression<Jobs.RhythmicJobs>(j => j.IncrementalLoad(RunOrigins.Schedule, null, CancellationToken.None)), cron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        ShiftRecurringJob(storage, JobNames.IncrementalLoad, TimeSpan.FromHours(-3));

        var node = await cluster.StartNodeAsync("node-a", o => o with { IncrementalCron = cron });

        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.IncrementalLoad),
            r => r.Any(x => x.Status == RunStatus.Succeeded), "the misfired incremental load");
        var reconcile = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.Reconcile),
            r => r.Any(x => x.Status == RunStatus.Succeeded), "the reconcile after it");

        using (var connection = node.Storage.GetConnection())
        {
            var next = connection.GetRecurringJobs().Single(r => r.Id == JobNames.IncrementalLoad).NextExecution;
            Assert.True(next > DateTime.UtcNow, $"the recurring job moved on to a future slot (next {next})");
        }
        var run = Assert.Single(await cluster.RunsAsync(JobNames.IncrementalLoad));
        Assert.Equal(RunOrigins.Schedule, run.Trigger);
        Assert.Equal(missed.Order(), run.Hours.Order());
        Assert.Equal(1, cluster.Runner.IncrementalCalls);
        var check = Assert.Single(reconcile);
        Assert.Equal(RunOrigins.AfterIncremental, check.Trigger);
        Assert.Equal(missed.Order(), check.Hours.Order());
        Assert.Equal(missed.Order(), cluster.Runner.Reconciled.Order());
        // A Hangfire continuation of the load: the load's job lists it among its continuations.
        using (var connection = node.Storage.GetConnection())
            Assert.Contains($"\"{check.JobId}\"", connection.GetJobParameter(run.JobId, "Continuations"));
    }

    [Fact]
    public async Task A_server_killed_mid_job_has_its_job_recovered_by_the_other_server()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var hung = new TaskCompletionSource<LoadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first run hangs, deaf to cancellation, as in a process about to die; the recovered run completes.
        cluster.Runner.Load = (_, call, _) => call == 1 ? hung.Task : Task.FromResult(new LoadOutcome([], 7));
        try
        {
            var a = await cluster.StartNodeAsync("node-a");
            var control = new JobsControl(TestPostgres.DataSource(cluster.ConnectionString));
            var id = await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);
            await Eventually.TrueAsync(() => cluster.Runner.FullCalls == 1, "node-a to start the full load");
            await cluster.StartNodeAsync("node-b");

            await cluster.KillAsync(a);

            await Eventually.ValueAsync(() => control.StateAsync(id, CancellationToken.None), JobsControl.IsFinal,
                "node-b to recover the full load after the invisibility timeout");
            Assert.Equal("Succeeded", await control.StateAsync(id, CancellationToken.None));
            var runs = await control.RunsOfJobAsync(id, CancellationToken.None);
            Assert.Equal(2, runs.Count);
            Assert.Equal(("node-a", RunStatus.Abandoned), (runs[0].InstanceId, runs[0].Status));
            var recovered = runs[1];
            Assert.Equal(("node-b", RunStatus.Succeeded, RunOrigins.Recovery, 7L), (recovered.InstanceId, recovered.Status, recovered.Trigger, recovered.Rows));
            Assert.Equal(2, cluster.Runner.FullCalls);
        }
        finally
        {
            hung.TrySetException(new OperationCanceledException("test over"));
        }
    }

    /// <summary>Moves a recurring job's creation, last run and next run back by <paramref name="by"/>: as if its servers had been down since.</summary>
    private static void ShiftRecurringJob(JobStorage storage, string id, TimeSpan by)
    {
        using var connection = storage.GetConnection();
        var key = "recurring-job:" + id;
        var fields = connection.GetAllEntriesFromHash(key)!;
        var shifted = new Dictionary<string, string>();
        foreach (var field in new[] { "CreatedAt", "LastExecution", "NextExecution" })
            if (fields.TryGetValue(field, out var v) && !string.IsNullOrEmpty(v))
                shifted[field] = JobHelper.SerializeDateTime(JobHelper.DeserializeDateTime(v) + by);
        using var tx = connection.CreateWriteTransaction();
        tx.SetRangeInHash(key, shifted);
        tx.AddToSet("recurring-jobs", id, JobHelper.ToTimestamp(JobHelper.DeserializeDateTime(shifted["NextExecution"])));
        tx.Commit();
    }
}
