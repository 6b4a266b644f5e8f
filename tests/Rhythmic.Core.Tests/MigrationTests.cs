using Rhythmic.Testing;

namespace Rhythmic.Core.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Quartz_tables_are_dropped_and_Hangfire_gets_a_schema_the_reader_may_read()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from pg_tables where schemaname = 'ops' and tablename like 'qrtz%'"));
        Assert.True(await TestPostgres.ScalarAsync<bool>(cs, "select has_schema_privilege('rhythmic_reader', 'hangfire', 'usage')"));
        // A table the owner creates there later (as Hangfire.PostgreSql does) is readable by the reader, not writable.
        await TestPostgres.ExecAsync(cs, "create table hangfire.probe (id int)");
        Assert.True(await TestPostgres.ScalarAsync<bool>(cs, "select has_table_privilege('rhythmic_reader', 'hangfire.probe', 'select')"));
        Assert.False(await TestPostgres.ScalarAsync<bool>(cs, "select has_table_privilege('rhythmic_reader', 'hangfire.probe', 'insert')"));
    }

    [Fact]
    public async Task Migrations_apply_in_order_and_are_recorded()
    {
        var cs = await TestPostgres.CreateDatabaseAsync(migrate: false);
        var applied = await new Migrator(cs).MigrateAsync();
        Assert.Equal(Migrator.All.Select(m => m.Name), applied);
        Assert.Equal(Migrator.All.Count, await TestPostgres.ScalarAsync<int>(cs, "select count(*) from public.schema_migrations"));
        Assert.Equal(1, await TestPostgres.ScalarAsync<int>(cs, "select count(*) from information_schema.schemata where schema_name = 'serving'"));
    }

    [Fact]
    public async Task Applying_twice_changes_nothing()
    {
        var cs = await TestPostgres.CreateDatabaseAsync(migrate: false);
        await new Migrator(cs).MigrateAsync();
        var before = await TestPostgres.ScalarAsync<string>(cs, "select string_agg(version || name || checksum || applied_at, ',' order by version) from public.schema_migrations");
        Assert.Empty(await new Migrator(cs).MigrateAsync());
        Assert.Equal(before, await TestPostgres.ScalarAsync<string>(cs, "select string_agg(version || name || checksum || applied_at, ',' order by version) from public.schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_migration_once()
    {
        var cs = await TestPostgres.CreateDatabaseAsync(migrate: false);
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => new Migrator(cs).MigrateAsync()));
        Assert.Equal(Migrator.All.Count, results.Sum(r => r.Count));
    }

    [Fact]
    public async Task A_changed_migration_is_refused()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, "update public.schema_migrations set checksum = 'x' where version = 1");
        var e = await Assert.ThrowsAsync<RhythmicException>(() => new Migrator(cs).MigrateAsync());
        Assert.Contains("was changed after it was applied", e.Message);
    }

    [Fact]
    public void Migration_versions_are_unique()
        => Assert.Equal(Migrator.All.Count, Migrator.All.Select(m => m.Version).Distinct().Count());
}
