using Microsoft.AspNetCore.Builder;

namespace Rhythmic.Cli.Verbs;

/// <summary>The layers' background services that <c>rhythmic up</c> runs inside the serving host, one line each.</summary>
internal static class UpComposition
{
    public static void AddLayers(WebApplicationBuilder builder)
    {
        _ = builder;
        Rhythmic.Lake.Landing.LakeServiceCollectionExtensions.AddLakeHistory(builder.Services);
        // Registered first: its start returns once a fresh platform's history is in the lake, before the scheduler starts.
        Rhythmic.Simulator.Hosting.SimulatorServiceCollectionExtensions.AddSimulator(builder.Services);
        Rhythmic.SpeedLayer.Hosting.SpeedServiceCollectionExtensions.AddSpeedLayer(builder.Services);
        Rhythmic.Lake.Landing.LakeServiceCollectionExtensions.AddLakeLander(builder.Services, onlyWhenRunInUp: true);
        Rhythmic.Orchestration.OrchestrationServiceCollectionExtensions.AddOrchestration(builder.Services, onlyWhenRunInUp: true);
    }
}
