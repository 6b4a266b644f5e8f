namespace Rhythmic.Orchestration.Tests;

public sealed class TriggerTests
{
    [Fact]
    public async Task A_trigger_runs_the_job_once_and_records_it()
    {
        await using var cluster = await TestCluster.CreateAsync();
        cluster.Runner.Load = (_, _, _) => Task.FromResult(new LoadOutcome([new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc)], 42));
        await cluster.StartNodeAsync("node-a");
        await using var control = new JobsControl(cluster.ConnectionString);

        await control.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None);

        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.FullLoad), r => r.Any(x => x.Status != RunStatus.Running), "the full load to finish");
        var run = Assert.Single(runs);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(RunOrigins.Manual, run.Trigger);
        Assert.Equal(42, run.Rows);
        Assert.Equal([new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc)], run.Hours);
        Assert.NotNull(run.EndedAt);
        Assert.Equal(1, cluster.Runner.FullCalls);

        var listed = await control.ListAsync(CancellationToken.None);
        var full = Assert.Single(listed, j => j.Job == JobNames.FullLoad);
        Assert.Equal(run.RunId, full.LastRun?.RunId);
        Assert.Null(full.NextRunAt); // nothing more is queued: the trigger fired once
        Assert.NotNull(Assert.Single(listed, j => j.Job == JobNames.IncrementalLoad).NextRunAt);
    }
}
