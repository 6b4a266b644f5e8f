using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Core;

/// <summary>The platform's PostgreSQL as configured: the embedded project-local cluster unless a connection string is set.</summary>
public static class PlatformDatabase
{
    /// <summary>The embedded cluster of these settings.</summary>
    public static EmbeddedPostgres Embedded(RhythmicSettings s, ILogger? logger = null)
        => new(s.PathOf(s.Postgres.DataDir), s.Postgres.Port, s.Postgres.BinDir, secretsDir: s.Postgres.SecretsDir, logger: logger);

    /// <summary>
    /// Makes the database usable: starts the embedded cluster if it is configured and not running (and makes sure it
    /// is locked down either way), creates the database, applies <paramref name="migrations"/> through the process's
    /// data source (asked for once the cluster runs: the embedded cluster's password is made at its first start).
    /// </summary>
    /// <returns>The cluster this call started (the caller stops it), or null.</returns>
    public static async Task<EmbeddedPostgres?> PrepareAsync(RhythmicSettings s, Func<NpgsqlDataSource> dataSource,
        IEnumerable<MigrationSet> migrations, ILogger logger, CancellationToken ct)
    {
        EmbeddedPostgres? started = null;
        if (s.Postgres.IsEmbedded)
        {
            var pg = Embedded(s, logger);
            var running = await pg.IsRunningAsync(ct);
            if (!running) logger.LogInformation("Starting the embedded PostgreSQL in {DataDir} on port {Port}", pg.DataDir, pg.Port);
            await pg.StartAsync(ct);
            if (!running) started = pg;
            await pg.EnsureDatabaseAsync(s.Postgres.Database, ct);
        }
        await new Migrator(dataSource(), migrations, logger).MigrateAsync(ct);
        return started;
    }
}
