using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

public sealed class MaintenanceTests
{
    [Fact]
    public async Task Maintenance_removes_serving_minutes_and_dead_letters_past_retention_and_keeps_the_rest()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var cs = cluster.ConnectionString;
        await TestPostgres.ExecAsync(cs, """
            insert into serving.listens_minute (minute, level, gender, state, listens) values
              (date_trunc('minute', now()) - interval '20 days', 'free', 'F', 'CA', 3),
              (date_trunc('minute', now()) - interval '1 day', 'free', 'F', 'CA', 5);
            insert into serving.dead_letters (consumer_group, topic, partition, "offset", received_at, reason, payload, payload_bytes) values
              ('g', 'listen_events', 0, 1, now() - interval '20 days', 'bad json', '\x00', 1),
              ('g', 'listen_events', 0, 2, now(), 'bad json', '\x00', 1);
            """);
        await cluster.StartNodeAsync("node-a", o => o with { RetentionDays = 14 });
        await using var control = new JobsControl(cs);

        await control.TriggerAsync(JobNames.Maintenance, null, CancellationToken.None);

        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.Maintenance), r => r.Any(x => x.Status != RunStatus.Running), "maintenance to finish");
        var run = Assert.Single(runs);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Rows);
        Assert.Equal(5, await TestPostgres.ScalarAsync<long>(cs, "select coalesce(sum(listens), 0) from serving.listens_minute"));
        Assert.Equal(2, await TestPostgres.ScalarAsync<long>(cs, "select min(\"offset\") from serving.dead_letters"));
    }
}
