using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Kafka;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Lake.Landing;

/// <summary>The lander as a hosted service: <c>rhythmic land</c> and <c>rhythmic up</c> run it on the platform's Kafka, PostgreSQL and lake.</summary>
public sealed class LanderService(RhythmicSettings settings, NpgsqlDataSource dataSource, ILogger<LanderService> logger) : BackgroundService
{
    /// <summary>Set by <c>rhythmic up</c>: do nothing when Lander:RunInUp is false.</summary>
    public bool OnlyWhenRunInUp { get; init; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OnlyWhenRunInUp && !settings.Lander.RunInUp)
        {
            logger.LogInformation("Lander:RunInUp is false: the lake is not landed");
            return;
        }
        await Task.Yield();
        var bootstrap = await KafkaClients.PlatformBootstrapAsync(settings);
        var lander = new Lander(LanderOptions.From(settings, bootstrap), new LocalLakeStorage(settings.PathOf(settings.Lake.Root)),
            new LakeManifest(dataSource), logger);
        try
        {
            await lander.RunAsync(stoppingToken);
        }
        catch (Identity.LakeRootMismatchException e)
        {
            // The directory is not the manifest's: landing into it would record files the loads resolve elsewhere.
            // One line, not a stack trace; the other services of `rhythmic up` keep running.
            logger.LogError("The lander does not start: {Reason}", e.Message);
            return;
        }
        logger.LogInformation("Lander stopped after committing {Events} events", lander.EventsCommitted);
    }
}

/// <summary>Registration of the lake's hosted service.</summary>
public static class LakeServiceCollectionExtensions
{
    /// <summary>Adds the lander; with <paramref name="onlyWhenRunInUp"/> it checks Lander:RunInUp when it starts.</summary>
    public static IServiceCollection AddLakeLander(this IServiceCollection services, bool onlyWhenRunInUp = false)
        => services.AddPlatformDataSource().AddHostedService(sp => new LanderService(sp.GetRequiredService<RhythmicSettings>(),
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<LanderService>>())
        {
            OnlyWhenRunInUp = onlyWhenRunInUp,
        });

    /// <summary>Makes the platform's lake the destination of <c>rhythmic up</c>'s simulated history.</summary>
    public static IServiceCollection AddLakeHistory(this IServiceCollection services)
        => services.AddPlatformDataSource().AddSingleton<Rhythmic.Core.Events.IHistoryDestination, Rhythmic.Lake.Backfill.LakeHistoryDestination>();
}
