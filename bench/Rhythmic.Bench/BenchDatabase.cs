using Npgsql;
using Rhythmic.Core;
using Rhythmic.Platform;

namespace Rhythmic.Bench;

/// <summary>The benchmarks' private PostgreSQL: a cluster in a directory of the run, with a migrated database "bench".</summary>
internal static class BenchDatabase
{
    /// <summary>
    /// Starts (creating if needed) the cluster in <paramref name="dataDir"/> on a free loopback port and migrates its
    /// "bench" database; the caller stops the server. With <paramref name="durable"/> false, fsync is off.
    /// </summary>
    public static async Task<(EmbeddedPostgres Server, string ConnectionString)> StartAsync(string dataDir, bool durable, CancellationToken ct)
    {
        var pg = new EmbeddedPostgres(dataDir, EmbeddedPostgres.FreePort(), durable: durable);
        await pg.StartAsync(ct);
        try
        {
            await pg.EnsureDatabaseAsync("bench", ct);
            var cs = pg.ConnectionString("bench");
            await PlatformMigrations.Migrator(DataSource(cs)).MigrateAsync(ct);
            return (pg, cs);
        }
        catch
        {
            await pg.StopAsync(CancellationToken.None);
            throw;
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, NpgsqlDataSource> DataSources = new();

    /// <summary>The benchmark process's one data source of <paramref name="connectionString"/>, for the components it runs.</summary>
    public static NpgsqlDataSource DataSource(string connectionString) => DataSources.GetOrAdd(connectionString, NpgsqlDataSource.Create);
}
