using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rhythmic.Orchestration;

/// <summary>
/// One scheduler server as a hosted service: starts a <see cref="SchedulerNode"/> and runs jobs until the host stops.
/// <c>rhythmic jobs run</c> and <c>rhythmic up</c> host it.
/// </summary>
public sealed class OrchestratorService(OrchestrationOptions options, ILoadRunner runner, ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _log = loggerFactory.CreateLogger<OrchestratorService>();
    private SchedulerNode? _node;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _node = await SchedulerNode.StartAsync(options, runner, loggerFactory, stoppingToken);
        _log.LogInformation("Hangfire server {Instance} started: incremental load '{Cron}', maintenance '{Maintenance}' (UTC)",
            _node.InstanceId, options.IncrementalCron, options.MaintenanceCron);
        try { await Task.Delay(Timeout.Infinite, stoppingToken); }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_node is not null) await _node.DisposeAsync();
    }
}
