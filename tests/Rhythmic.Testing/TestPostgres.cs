using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Platform;

namespace Rhythmic.Testing;

/// <summary>
/// One private PostgreSQL per test process (temporary data directory, free loopback port, fsync off), removed when
/// the process exits. Each test asks for a database of its own, so tests never see each other's rows. The cluster is
/// locked down like the platform's (password logins only): the connection strings carry the passwords.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<EmbeddedPostgres>> Cluster = new(StartAsync);
    private static int _databases;

    /// <summary>The shared cluster (started on first use).</summary>
    public static Task<EmbeddedPostgres> ClusterAsync() => Cluster.Value;

    /// <summary>A new empty database; with <paramref name="migrate"/>, every migration applied. Returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(bool migrate = true)
    {
        var pg = await Cluster.Value;
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await pg.EnsureDatabaseAsync(name);
        var cs = pg.ConnectionString(name);
        if (migrate) await PlatformMigrations.Migrator(DataSource(cs)).MigrateAsync();
        return cs;
    }

    private static readonly ConcurrentDictionary<string, NpgsqlDataSource> DataSources = new();

    /// <summary>
    /// The data source of <paramref name="connectionString"/>, one per connection string in the test process (as the
    /// platform has one per process), for constructing components; kept until the process ends.
    /// </summary>
    public static NpgsqlDataSource DataSource(string connectionString) => DataSources.GetOrAdd(connectionString, NpgsqlDataSource.Create);

    /// <summary>The read-only role's connection string of the database <paramref name="connectionString"/> is on.</summary>
    public static async Task<string> ReaderConnectionStringAsync(string connectionString)
        => (await Cluster.Value).ReaderConnectionString(new NpgsqlConnectionStringBuilder(connectionString).Database!);

    /// <summary>Runs a query and returns its single value.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        var value = await cmd.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T));
    }

    /// <summary>Runs a statement.</summary>
    public static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private const string DirPrefix = "rhythmic-test-pg-";

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        await SweepAbandonedAsync();
        var dir = Directory.CreateTempSubdirectory(DirPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "owner"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var pg = new EmbeddedPostgres(Path.Combine(dir, "data"), EmbeddedPostgres.FreePort(), durable: false);
        await pg.StartAsync();
        // The test runner may end this process soon after the last test, so stop at once (the cluster is thrown
        // away); whatever is left when it does is removed by the next test process's sweep.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { pg.StopAsync(immediate: true).GetAwaiter().GetResult(); } catch (RhythmicException) { }
            TryDelete(dir);
        };
        return pg;
    }

    /// <summary>
    /// Removes the clusters of test processes that are gone (killed, or ended before their exit handler finished),
    /// stopping any server they left running. A directory without an owner yet is being created: left alone.
    /// </summary>
    private static async Task SweepAbandonedAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirPrefix + "*"))
        {
            var ownerFile = Path.Combine(dir, "owner");
            if (!File.Exists(ownerFile))
            {
                if (DateTime.UtcNow - Directory.GetCreationTimeUtc(dir) < TimeSpan.FromHours(1)) continue;
            }
            else if (int.TryParse(File.ReadAllText(ownerFile), CultureInfo.InvariantCulture, out var owner) && IsAlive(owner))
            {
                continue;
            }
            var data = Path.Combine(dir, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try { await new EmbeddedPostgres(data, 0).StopAsync(immediate: true); } catch (RhythmicException) { }
            }
            TryDelete(dir);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
