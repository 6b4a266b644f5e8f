using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Hosting;

/// <summary>
/// The simulated world of <c>rhythmic up</c>: Simulator:UpUsers users, Simulator:Speed times the clock, into the
/// platform's Kafka. On a fresh platform (an empty lake) with Simulator:HistoryDays above 0 and a history destination,
/// the same continuous simulation starts that many days before the current hour: the events before the hour go
/// straight into the lake, the rest into Kafka, so history and live are one world with no gap and no overlap. Its
/// start waits until the history is committed, so the services started after it (the scheduler's first load) find it.
/// Does nothing when Simulator:RunInUp is false.
/// </summary>
public sealed class SimulatorService(RhythmicSettings settings, ILogger<SimulatorService> logger, IHistoryDestination? history = null) : BackgroundService
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the simulation and returns once its history (if any) is in the lake and live events flow.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        await Task.WhenAny(_started.Task, ExecuteTask ?? Task.CompletedTask).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            _started.TrySetResult();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var s = settings.Simulator;
        if (!s.RunInUp)
        {
            logger.LogInformation("Simulator:RunInUp is false: no simulated events");
            return;
        }
        await Task.Yield();
        var bootstrap = await KafkaClients.PlatformBootstrapAsync(settings);
        var now = DateTimeOffset.UtcNow;
        var hour = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var withHistory = s.HistoryDays > 0 && history is not null && await history.IsEmptyAsync(stoppingToken);
        if (s.HistoryDays > 0 && history is not null && !withHistory)
            logger.LogInformation("The lake already holds events: no history is simulated (Simulator:HistoryDays applies to a fresh platform)");
        var options = new SimulationOptions
        {
            Continuous = true, From = withHistory ? hour.AddDays(-s.HistoryDays) : now, To = null, Users = s.UpUsers, Speed = s.Speed, Seed = s.Seed,
            GrowthRate = s.GrowthRate, AttritionRate = s.AttritionRate,
            ConfigPath = string.IsNullOrWhiteSpace(s.Config) ? null : settings.PathOf(s.Config),
            DataDir = string.IsNullOrWhiteSpace(s.DataDir) ? null : settings.PathOf(s.DataDir),
            Workers = 1,
        };
        var simulation = new Simulation(options);
        var kafka = new KafkaSink(bootstrap, logger);
        await using IEventSink sink = withHistory
            ? new HistoryThenLiveSink(await history!.OpenAsync(hour, stoppingToken), kafka, hour.ToUnixTimeMilliseconds())
            : kafka;
        if (sink is HistoryThenLiveSink split)
        {
            logger.LogInformation("Simulating {Users} users (seed {Seed}): {Days} days of history from {From:u} into the lake, then live into Kafka at {Bootstrap} from {Switch:u} ({Speed}x the clock)",
                options.Users, simulation.Seed, s.HistoryDays, options.From, bootstrap, hour, options.Speed);
            _ = split.HistoryDone.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully)
                    logger.LogInformation("History committed to the lake: {Events} events before {Switch:u}; live from there on", t.Result, hour);
                _started.TrySetResult();
            }, TaskScheduler.Default);
        }
        else
        {
            logger.LogInformation("Simulating {Users} users live into Kafka at {Bootstrap} ({Speed}x the clock, seed {Seed})", options.Users, bootstrap, options.Speed, simulation.Seed);
            _started.TrySetResult();
        }
        try
        {
            await simulation.RunAsync(sink, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (sink is HistoryThenLiveSink { HistoryDone.IsCompleted: false } cut)
                logger.LogWarning("Stopped while simulating history: {Events} events before {Switch:u} are committed to the lake; the platform will not simulate history again (its lake is not empty)",
                    cut.HistoryEvents, hour);
            logger.LogInformation("Simulator stopped: {Acknowledged} events acknowledged by Kafka", kafka.Acknowledged);
        }
    }
}

/// <summary>Registration of the simulator's hosted service.</summary>
public static class SimulatorServiceCollectionExtensions
{
    /// <summary>Adds the simulation (it checks Simulator:RunInUp itself when it starts; history needs an <see cref="IHistoryDestination"/>).</summary>
    public static IServiceCollection AddSimulator(this IServiceCollection services) => services.AddHostedService(sp => new SimulatorService(
        sp.GetRequiredService<RhythmicSettings>(), sp.GetRequiredService<ILogger<SimulatorService>>(), sp.GetService<IHistoryDestination>()));
}
