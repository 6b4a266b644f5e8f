using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Rhythmic.Orchestration;

/// <summary>
/// One node of the scheduler cluster as a hosted service: stores the jobs and schedules, queues a full load when the
/// warehouse is empty, and runs fires until the host stops. <c>rhythmic jobs run</c> and <c>rhythmic up</c> host it.
/// </summary>
public sealed class OrchestratorService(OrchestrationOptions options, ILoadRunner runner, ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _log = loggerFactory.CreateLogger<OrchestratorService>();
    private IScheduler? _scheduler;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _scheduler = await StartNodeAsync(options, runner, loggerFactory, stoppingToken);
        _log.LogInformation("Scheduler node {Instance} started: incremental load '{Cron}', maintenance '{Maintenance}'",
            _scheduler.SchedulerInstanceId, options.IncrementalCron, options.MaintenanceCron);
        try { await Task.Delay(Timeout.Infinite, stoppingToken); }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Running loads are cancelled and handed back to the cluster (RecoverFiringsCancelledByShutdown) rather than waited for.
        if (_scheduler is not null) await _scheduler.Shutdown(waitForJobsToComplete: false, CancellationToken.None);
    }

    /// <summary>Builds, prepares and starts one node; the caller shuts it down.</summary>
    public static async Task<IScheduler> StartNodeAsync(OrchestrationOptions options, ILoadRunner runner, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var scheduler = await OrchestratorScheduler.BuildAsync(options, runner, loggerFactory, ct);
        await OrchestratorScheduler.EnsureScheduleAsync(scheduler, options, ct);
        if (options.FullLoadWhenEmpty && await new JobRunStore(options.ConnectionString).WarehouseIsEmptyAsync(ct)
            && await OrchestratorScheduler.QueueStartupFullLoadAsync(scheduler, ct))
            loggerFactory.CreateLogger<OrchestratorService>().LogInformation("The warehouse is empty: a full load is queued");
        await scheduler.Start(ct);
        return scheduler;
    }
}
