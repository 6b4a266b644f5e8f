using Hangfire.Server;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>Marks the jobs that rewrite the warehouse (full and incremental loads): never two at once.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ExclusiveLoadAttribute : Attribute;

/// <summary>
/// Hangfire's guard of the loads, like its [DisableConcurrentExecution] but one lock for both load jobs (that
/// attribute locks one method against itself): a load takes Hangfire's distributed lock <c>rhythmic:loads</c> before
/// it runs, waiting for the other to finish. Hangfire.PostgreSql's locks expire (a dead holder's after the
/// invisibility timeout, a very long load's too), so the loader also holds the warehouse's PostgreSQL advisory lock
/// (Rhythmic.Warehouse's WarehouseLock) for the whole load, which lives exactly as long as the session that holds it.
/// </summary>
internal sealed class ExclusiveLoadFilter(TimeSpan wait) : IServerFilter
{
    internal const string Resource = "rhythmic:loads";
    private const string LockItem = "rhythmic:loads-lock";

    public void OnPerforming(PerformingContext context)
    {
        if (!context.BackgroundJob.Job.Method.IsDefined(typeof(ExclusiveLoadAttribute), false)) return;
        context.Items[LockItem] = context.Connection.AcquireDistributedLock(Resource, wait);
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.Remove(LockItem, out var held) || held is not IDisposable lockHandle) return;
        try { lockHandle.Dispose(); }
        catch (Hangfire.Storage.DistributedLockTimeoutException)
        {
            // The lock had expired and was taken by another load, which then waited on the warehouse's lock: nothing to release.
        }
    }
}
