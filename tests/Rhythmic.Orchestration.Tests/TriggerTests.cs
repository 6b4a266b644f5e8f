using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

public sealed class TriggerTests
{
    [Fact]
    public async Task A_trigger_runs_the_job_once_and_records_it()
    {
        await using var cluster = await TestCluster.CreateAsync();
        cluster.Runner.Load = (_, _, _) => Task.FromResult(new LoadOutcome([new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc)], 42));
        await cluster.StartNodeAsync("node-a");
        var control = new JobsControl(TestPostgres.DataSource(cluster.ConnectionString));

        var id = await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);

        await Eventually.ValueAsync(() => control.StateAsync(id, CancellationToken.None), JobsControl.IsFinal, "the full load to finish");
        Assert.Equal("Succeeded", await control.StateAsync(id, CancellationToken.None));
        var run = Assert.Single(await cluster.RunsAsync(JobNames.FullLoad));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(RunOrigins.Manual, run.Trigger);
        Assert.Equal(id, run.JobId);
        Assert.Equal("node-a", run.InstanceId);
        Assert.Equal(42, run.Rows);
        Assert.Equal([new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc)], run.Hours);
        Assert.NotNull(run.EndedAt);
        Assert.Equal(1, cluster.Runner.FullCalls);

        var listed = await control.ListAsync(CancellationToken.None);
        var full = Assert.Single(listed, j => j.Job == JobNames.FullLoad);
        Assert.Equal(run.RunId, full.LastRun?.RunId);
        Assert.Null(full.NextRunAt); // nothing more is queued: the trigger ran once
        var incremental = Assert.Single(listed, j => j.Job == JobNames.IncrementalLoad);
        Assert.NotNull(incremental.NextRunAt);
        Assert.StartsWith("5 * * * *", incremental.Schedule);
    }

    [Fact]
    public async Task A_run_queued_while_no_server_is_up_runs_once_one_starts()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var control = new JobsControl(TestPostgres.DataSource(cluster.ConnectionString));

        var id = await control.TriggerAsync(JobNames.Maintenance, null, CancellationToken.None);
        Assert.NotNull((await control.ListAsync(CancellationToken.None)).Single(j => j.Job == JobNames.Maintenance).NextRunAt);
        await cluster.StartNodeAsync("node-a");

        await Eventually.ValueAsync(() => control.StateAsync(id, CancellationToken.None), JobsControl.IsFinal, "the maintenance run");
        var run = Assert.Single(await control.RunsOfJobAsync(id, CancellationToken.None));
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }
}
