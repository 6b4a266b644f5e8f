using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Hosting;

/// <summary>
/// The live stream of <c>rhythmic up</c>: a continuous simulation from now on (Simulator:UpUsers users,
/// Simulator:Speed times the clock) into the platform's Kafka. Does nothing when Simulator:RunInUp is false.
/// </summary>
public sealed class SimulatorService(RhythmicSettings settings, ILogger<SimulatorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = settings.Simulator;
        if (!s.RunInUp)
        {
            logger.LogInformation("Simulator:RunInUp is false: no simulated events");
            return;
        }
        await Task.Yield();
        var bootstrap = await KafkaClients.PlatformBootstrapAsync(settings);
        var options = new SimulationOptions
        {
            Continuous = true, From = DateTimeOffset.UtcNow, To = null, Users = s.UpUsers, Speed = s.Speed, Seed = s.Seed,
            GrowthRate = s.GrowthRate, AttritionRate = s.AttritionRate,
            ConfigPath = string.IsNullOrWhiteSpace(s.Config) ? null : settings.PathOf(s.Config),
            DataDir = string.IsNullOrWhiteSpace(s.DataDir) ? null : settings.PathOf(s.DataDir),
            Workers = 1,
        };
        var simulation = new Simulation(options);
        logger.LogInformation("Simulating {Users} users live into Kafka at {Bootstrap} ({Speed}x the clock, seed {Seed})", options.Users, bootstrap, options.Speed, simulation.Seed);
        await using var sink = new KafkaSink(bootstrap, logger);
        try
        {
            await simulation.RunAsync(sink, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Simulator stopped: {Acknowledged} events acknowledged by Kafka", sink.Acknowledged);
        }
    }
}

/// <summary>Registration of the simulator's hosted service.</summary>
public static class SimulatorServiceCollectionExtensions
{
    /// <summary>Adds the live simulation (it checks Simulator:RunInUp itself when it starts).</summary>
    public static IServiceCollection AddSimulator(this IServiceCollection services) => services.AddHostedService<SimulatorService>();
}
