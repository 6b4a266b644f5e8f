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
            insert into dw.dim_song values (1, 'Björk', 'Jóga', 305.3);
            select pg_stat_force_next_flush();
            """);
        await cluster.StartNodeAsync("node-a", o => o with { RetentionDays = 14 });
        var control = new JobsControl(TestPostgres.DataSource(cs));

        await control.TriggerAsync(JobNames.Maintenance, null, CancellationToken.None);

        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.Maintenance), r => r.Any(x => x.Status != RunStatus.Running), "maintenance to finish");
        var run = Assert.Single(runs);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Rows);
        Assert.Equal(5, await TestPostgres.ScalarAsync<long>(cs, "select coalesce(sum(listens), 0) from serving.listens_minute"));
        Assert.Equal(2, await TestPostgres.ScalarAsync<long>(cs, "select min(\"offset\") from serving.dead_letters"));
        // What the loads changed is vacuumed and analyzed: nothing in the warehouse is left waiting.
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, ChangedSinceVacuum));
        Assert.True(await TestPostgres.ScalarAsync<bool>(cs, "select last_vacuum is not null and last_analyze is not null from pg_stat_user_tables where relid = 'dw.dim_song'::regclass"));
        Assert.Contains("vacuumed and analyzed", run.Detail);
    }

    [Fact]
    public async Task Maintenance_waits_for_a_running_load_before_it_vacuums_the_warehouse()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var cs = cluster.ConnectionString;
        // A load's change; its statistics are sent at once (else up to 10 s later), so maintenance sees it to vacuum.
        await TestPostgres.ExecAsync(cs, "insert into dw.dim_song values (1, 'Björk', 'Jóga', 305.3); select pg_stat_force_next_flush()");
        // A load in progress holds the warehouse's advisory lock (Sql/stage/lock.sql) in its transaction.
        await using var load = new Npgsql.NpgsqlConnection(cs);
        await load.OpenAsync();
        await using var tx = await load.BeginTransactionAsync();
        await using (var lockCmd = new Npgsql.NpgsqlCommand("select pg_advisory_xact_lock($1)", load, tx) { Parameters = { new() { Value = Core.AdvisoryLocks.WarehouseLoad } } })
            await lockCmd.ExecuteNonQueryAsync();
        await cluster.StartNodeAsync("node-a");
        var control = new JobsControl(TestPostgres.DataSource(cs));

        await control.TriggerAsync(JobNames.Maintenance, null, CancellationToken.None);

        await Eventually.ValueAsync(() => TestPostgres.ScalarAsync<long>(cs, "select count(*) from pg_locks where locktype = 'advisory' and not granted"),
            n => n == 1, "maintenance waiting for the load's lock");
        Assert.True(await TestPostgres.ScalarAsync<long>(cs, ChangedSinceVacuum) > 0);
        await tx.CommitAsync();
        var runs = await Eventually.ValueAsync(() => cluster.RunsAsync(JobNames.Maintenance), r => r.Any(x => x.Status != RunStatus.Running), "maintenance to finish");
        Assert.Equal(RunStatus.Succeeded, Assert.Single(runs).Status);
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, ChangedSinceVacuum));
    }

    private const string ChangedSinceVacuum = """
        select count(*) from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.schemaname = 'dw' and c.relkind = 'r' and s.relname not like 'stg\_%'
          and (s.n_dead_tup > 0 or s.n_ins_since_vacuum > 0 or s.n_mod_since_analyze > 0)
        """;
}
