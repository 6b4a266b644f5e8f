using Npgsql;
using Rhythmic.Core;

namespace Rhythmic.Testing;

/// <summary>
/// One private PostgreSQL per test process (temporary data directory, free loopback port, fsync off), removed when
/// the process exits. Each test asks for a database of its own, so tests never see each other's rows.
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
        if (migrate) await new Migrator(cs).MigrateAsync();
        return cs;
    }

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

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("rhythmic-test-pg-").FullName;
        var pg = new EmbeddedPostgres(dir, EmbeddedPostgres.FreePort(), durable: false);
        await pg.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { pg.StopAsync().GetAwaiter().GetResult(); } catch (RhythmicException) { }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return pg;
    }
}
