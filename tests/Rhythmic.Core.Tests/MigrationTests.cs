using System.Reflection;
using Rhythmic.Platform;
using Rhythmic.Testing;

namespace Rhythmic.Core.Tests;

public sealed class MigrationTests
{
    /// <summary>What every entry point applies: the platform's list of the layers' migration sets.</summary>
    private static readonly IReadOnlyList<Migration> All = Migrator.Plan(PlatformMigrations.All);

    private static Migrator MigratorOf(string cs) => PlatformMigrations.Migrator(TestPostgres.DataSource(cs));

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
        var applied = await MigratorOf(cs).MigrateAsync();
        Assert.Equal(All.Select(m => m.Name), applied);
        Assert.Equal(All.Count, await TestPostgres.ScalarAsync<int>(cs, "select count(*) from public.schema_migrations"));
        Assert.Equal(1, await TestPostgres.ScalarAsync<int>(cs, "select count(*) from information_schema.schemata where schema_name = 'serving'"));
    }

    [Fact]
    public async Task Applying_twice_changes_nothing()
    {
        var cs = await TestPostgres.CreateDatabaseAsync(migrate: false);
        await MigratorOf(cs).MigrateAsync();
        var before = await TestPostgres.ScalarAsync<string>(cs, "select string_agg(version || name || checksum || applied_at, ',' order by version) from public.schema_migrations");
        Assert.Empty(await MigratorOf(cs).MigrateAsync());
        Assert.Equal(before, await TestPostgres.ScalarAsync<string>(cs, "select string_agg(version || name || checksum || applied_at, ',' order by version) from public.schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_migration_once()
    {
        var cs = await TestPostgres.CreateDatabaseAsync(migrate: false);
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => MigratorOf(cs).MigrateAsync()));
        Assert.Equal(All.Count, results.Sum(r => r.Count));
    }

    [Fact]
    public async Task A_changed_migration_is_refused()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, "update public.schema_migrations set checksum = 'x' where version = 1");
        var e = await Assert.ThrowsAsync<RhythmicException>(() => MigratorOf(cs).MigrateAsync());
        Assert.Contains("was changed after it was applied", e.Message);
    }

    [Fact]
    public void Migration_versions_are_unique()
        => Assert.Equal(All.Count, All.Select(m => m.Version).Distinct().Count());

    [Fact]
    public void Two_migrations_of_one_version_in_different_sets_are_refused()
    {
        var e = Assert.Throws<RhythmicException>(() => Migrator.Plan([CoreMigrations.Set, PlatformMigrations.All[1], CoreMigrations.Set]));
        Assert.Contains("0001_schemas.sql", e.Message);
    }

    [Fact]
    public void Every_assembly_that_embeds_migrations_is_in_the_platforms_list()
    {
        var listed = PlatformMigrations.All.Select(s => s.Owner).ToHashSet();
        var embedding = Directory.EnumerateFiles(AppContext.BaseDirectory, "Rhythmic.*.dll")
            .Select(f => Assembly.Load(AssemblyName.GetAssemblyName(f)))
            .Where(a => a.GetManifestResourceNames().Any(n => n.StartsWith(MigrationSet.ResourcePrefix, StringComparison.Ordinal)))
            .Select(a => a.GetName().Name!).ToList();
        Assert.Contains("Rhythmic.Warehouse", embedding);
        Assert.All(embedding, name => Assert.Contains(name, listed));
        Assert.Equal(listed.Count, PlatformMigrations.All.Count);
    }

    [Fact]
    public void Every_migration_file_of_the_source_tree_is_applied()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Rhythmic.sln"))) root = root.Parent ?? throw new InvalidOperationException("No Rhythmic.sln above the tests");
        var files = new[] { "core", "speed-layer", "batch-layer", "orchestration", "serving", "simulator", "cli", "bench" }
            .Select(d => Path.Combine(root.FullName, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.sql", SearchOption.AllDirectories))
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "Migrations")
            .Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, All.Select(m => m.Name).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Migrations_keep_the_names_and_checksums_that_databases_recorded()
    {
        // Moving a migration to its layer must not change what an existing database finds in schema_migrations.
        var recorded = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "applied-migrations.txt"))
            .Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(' ')).ToList();
        Assert.NotEmpty(recorded);
        var byVersion = All.ToDictionary(m => m.Version);
        Assert.All(recorded, r =>
        {
            Assert.True(byVersion.TryGetValue(int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture), out var m), $"migration {r[1]} is gone");
            Assert.Equal((r[1], r[2]), (m!.Name, m.Checksum));
        });
    }
}
