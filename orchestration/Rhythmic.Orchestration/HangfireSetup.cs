using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Orchestration.Jobs;

namespace Rhythmic.Orchestration;

/// <summary>
/// Hangfire on the platform's PostgreSQL: its storage in the schema <c>hangfire</c> (created empty by migration 0403;
/// Hangfire.PostgreSql creates and upgrades its tables there), and the filters every server and client share:
/// retries with doubling backoff from the settings, continuations, the loads' mutual exclusion.
/// </summary>
public static class HangfireSetup
{
    /// <summary>The schema of Hangfire's tables.</summary>
    public const string Schema = "hangfire";

    private static readonly Lazy<bool> Global = new(() =>
    {
        // Process-wide in Hangfire: how job arguments and types are written. Set once, the same for servers and clients.
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer();
        return true;
    });

    /// <summary>
    /// A storage whose connections come from <paramref name="dataSource"/>. With <paramref name="prepareSchema"/> it
    /// creates or upgrades Hangfire's tables (the owner role only); the read-only role's storage must not.
    /// </summary>
    public static PostgreSqlStorage Storage(NpgsqlDataSource dataSource, bool prepareSchema, OrchestrationOptions? options = null)
    {
        _ = Global.Value;
        var o = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = prepareSchema,
            // A running job's server renews its fetch every fifth of the timeout, so only a dead server's job reappears.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = options?.InvisibilityTimeout ?? TimeSpan.FromMinutes(5),
            DistributedLockTimeout = options?.InvisibilityTimeout ?? TimeSpan.FromMinutes(5),
            QueuePollInterval = options?.QueuePollInterval ?? TimeSpan.FromSeconds(5),
        };
        var connections = new DataSourceConnections(dataSource);
        if (!prepareSchema) return new PostgreSqlStorage(connections, o);
        // Hangfire.PostgreSql installs its tables without a lock of its own: two processes starting on a fresh
        // database at once (a server and a trigger) would race. They take turns on an advisory lock.
        using var conn = dataSource.OpenConnection();
        Advisory(conn, Sql.LoadLock);
        try
        {
            return new PostgreSqlStorage(connections, o);
        }
        finally
        {
            Advisory(conn, Sql.LoadUnlock); // explicitly: a pooled connection's session outlives this method
        }
    }

    /// <summary>Hangfire.PostgreSql's connections, from the process's data source (it opens and disposes each).</summary>
    private sealed class DataSourceConnections(NpgsqlDataSource dataSource) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
    }

    private static void Advisory(NpgsqlConnection conn, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new() { Value = AdvisoryLocks.HangfireSchema });
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// The filters of our servers and clients, instead of Hangfire's process-wide defaults (ten retries): retries as
    /// configured, then failed; continuations (reconcile after each incremental load); the dashboard's statistics;
    /// the loads' guard; and the attributes on the job methods.
    /// </summary>
    internal static IJobFilterProvider Filters(OrchestrationOptions options)
    {
        var backoff = (int)Math.Max(0, options.RetryBackoff.TotalSeconds);
        var filters = new JobFilterCollection
        {
            new AutomaticRetryAttribute
            {
                Attempts = options.MaxRetries,
                DelayInSecondsByAttemptFunc = attempt => (int)Math.Min(86_400, backoff * Math.Pow(2, attempt - 1)),
                OnAttemptsExceeded = AttemptsExceededAction.Fail,
            },
            new ContinuationsSupportAttribute(),
            new StatisticsHistoryAttribute(),
            // Waits as long as a dead holder's lock lives, and a little more: it then always gets the lock.
            new ExclusiveLoadFilter(options.InvisibilityTimeout + TimeSpan.FromSeconds(5)),
        };
        return new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider());
    }
}
