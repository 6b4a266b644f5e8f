using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.SpeedLayer.Consumer;
using Rhythmic.SpeedLayer.Store;

namespace Rhythmic.SpeedLayer.Hosting;

/// <summary>The speed layer as a hosted service: one <see cref="SpeedConsumer"/> on a thread of its own (Consume blocks).</summary>
public sealed class SpeedService(RhythmicSettings settings, NpgsqlDataSource dataSource, ILoggerFactory loggers) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stop)
    {
        var log = loggers.CreateLogger<SpeedConsumer>();
        try
        {
            var bootstrap = RuntimeState.KafkaBootstrap(settings);
            var store = new PostgresSpeedStore(dataSource);
            new SpeedConsumer(settings.Speed, bootstrap, store, log).Run(stop);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            log.LogCritical(e, "The speed layer stopped");
            throw;
        }
    }
}

/// <summary>Registers the speed layer.</summary>
public static class SpeedServiceCollectionExtensions
{
    /// <summary>Adds the speed layer's consumer as a hosted service (needs <see cref="RhythmicSettings"/> registered).</summary>
    public static IServiceCollection AddSpeedLayer(this IServiceCollection services) => services.AddPlatformDataSource().AddHostedService<SpeedService>();
}
