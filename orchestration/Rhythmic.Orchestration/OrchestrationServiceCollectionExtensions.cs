using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Orchestration;

/// <summary>Adds a Hangfire server of the loads to a host whose services hold the platform's <see cref="RhythmicSettings"/> (<c>rhythmic up</c>).</summary>
public static class OrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// Adds a Hangfire server running the warehouse's loads (an <see cref="ILoadRunner"/> or <see cref="OrchestrationOptions"/>
    /// registered before wins). With <paramref name="onlyWhenRunInUp"/>, the server stays off when Jobs:RunInUp is false.
    /// </summary>
    public static IServiceCollection AddOrchestration(this IServiceCollection services, bool onlyWhenRunInUp = false)
    {
        services.AddPlatformDataSource();
        services.TryAddSingleton(sp => OrchestrationOptions.From(sp.GetRequiredService<RhythmicSettings>(), sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(sp => WarehouseLoadRunner.Create(sp.GetRequiredService<RhythmicSettings>(), sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IHostedService>(sp => onlyWhenRunInUp && !sp.GetRequiredService<RhythmicSettings>().Jobs.RunInUp
            ? new DisabledNode(sp.GetRequiredService<ILoggerFactory>())
            : ActivatorUtilities.CreateInstance<OrchestratorService>(sp));
        return services;
    }

    private sealed class DisabledNode(ILoggerFactory loggerFactory) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            loggerFactory.CreateLogger<OrchestratorService>().LogInformation("Jobs:RunInUp is false: no Hangfire server in this process");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
