namespace Rhythmic.Core;

/// <summary>
/// Every PostgreSQL advisory lock key of the platform, one per purpose (each is eight ASCII letters read as a 64-bit
/// key, so a lock seen in pg_locks says whose it is). Keys must stay as they are: a process of the previous version
/// running beside a new one must still take turns with it.
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>"Rhythmic": one migrator at a time applies migrations (session lock, <see cref="Migrator"/>).</summary>
    public const long Migrations = 0x5268_7974_686D_6963;

    /// <summary>"RhytLock": one lock-down of the embedded cluster at a time; concurrent ALTER ROLEs of one role fail (EmbeddedPostgres).</summary>
    public const long LockDown = 0x5268_7974_4C6F_636B;

    /// <summary>
    /// "RhyHfSch": Hangfire.PostgreSql installs its tables without a lock of its own, so two processes preparing its
    /// schema at once take turns on this one (session lock, orchestration's HangfireSetup).
    /// </summary>
    public const long HangfireSchema = 0x5268_7948_6653_6368;

    /// <summary>
    /// "\0RhyLoad": the scheduler's full and incremental load jobs hold it for their whole run (session lock,
    /// orchestration's LoadLock), so two load jobs never overlap on any server; Hangfire's own lock expires.
    /// Not <see cref="WarehouseLoad"/>: the job holds this one on a connection of its own while the loader it runs takes
    /// that one on the loader's connections, and one key on two sessions of one load would wait for itself.
    /// </summary>
    public const long LoadJob = 0x0052_6879_4C6F_6164;

    /// <summary>
    /// "RhytWLD": the warehouse's staging tables and the hours a transaction replaces belong to one loader at a time
    /// (transaction lock in every load's transactions, whoever runs it: the scheduler, <c>rhythmic load</c>, the bench);
    /// warehouse maintenance holds it for its session across its VACUUMs, so loads wait for maintenance and it for them.
    /// </summary>
    public const long WarehouseLoad = 0x5268_7974_6857_4C44;
}
