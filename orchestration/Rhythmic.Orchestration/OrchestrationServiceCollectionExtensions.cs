using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Orchestration;

/// <summary>Adds the scheduler node to a host (<c>rhythmic jobs run</c>, <c>rhythmic up</c>).</summary>
public static class OrchestrationServiceCollectionExtensions
{
    /// <summary>Adds a scheduler node running the warehouse's loads (an <see cref="ILoadRunner"/> registered before wins).</summary>
    public static IServiceCollection AddOrchestration(this IServiceCollection services, RhythmicSettings settings)
    {
        services.TryAddSingleton(OrchestrationOptions.From(settings));
        services.TryAddSingleton<ILoadRunner>(sp => WarehouseLoadRunner.Create(settings, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IHostedService, OrchestratorService>();
        return services;
    }
}
