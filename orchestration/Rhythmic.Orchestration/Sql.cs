using Rhythmic.Core;

namespace Rhythmic.Orchestration;

/// <summary>The orchestration's SQL, read once from its embedded Sql/*.sql files.</summary>
internal static class Sql
{
    public static readonly string JobRunStart = Read("job_run_start.sql");
    public static readonly string JobRunFinish = Read("job_run_finish.sql");
    public static readonly string JobRunsOfJob = Read("job_runs_of_job.sql");
    public static readonly string JobRunsHistory = Read("job_runs_history.sql");
    public static readonly string JobRunsLast = Read("job_runs_last.sql");
    public static readonly string SchemaLock = Read("schema_lock.sql");
    public static readonly string SchemaUnlock = Read("schema_unlock.sql");
    public static readonly string WarehouseIsEmpty = Read("warehouse_is_empty.sql");
    public static readonly string MaintenancePurge = Read("maintenance_purge.sql");

    private static string Read(string name) => SqlResources.Read(typeof(Sql).Assembly, "orchestration/" + name);
}
