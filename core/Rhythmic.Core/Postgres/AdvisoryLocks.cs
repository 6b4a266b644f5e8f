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
    /// "RhytWLD": one load of the warehouse at a time, and no load during maintenance. Every full and incremental load
    /// holds it on its session for the whole load, whoever runs it (the scheduler on any server, <c>rhythmic load</c>,
    /// the bench), and maintenance across its VACUUMs (Rhythmic.Warehouse's WarehouseLock). Hangfire's own lock of the
    /// load jobs expires; this one lives as long as its holder's session.
    /// </summary>
    public const long WarehouseLoad = 0x5268_7974_6857_4C44;
}
