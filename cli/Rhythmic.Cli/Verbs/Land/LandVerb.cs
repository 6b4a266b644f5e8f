using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Observability;
using Rhythmic.Lake.Landing;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic land</c>: one lake lander (start several to share the partitions).</summary>
internal static class LandVerb
{
    public static Command Create()
    {
        var command = new Command("land", "Run the lake lander (Kafka to date/hour-partitioned Parquet, exactly once) until Ctrl-C.");
        command.SetAction((_, ct) => RunAsync(ct));
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken invocation)
    {
        using var ctx = CliContext.Load();
        var ct = CliContext.ShutdownToken(invocation);
        var log = ctx.Logger("Rhythmic.Land");
        _ = RuntimeState.KafkaBootstrap(ctx.Settings); // fail now, with the fix, if there is no Kafka
        var startedPg = await PlatformDatabase.PrepareAsync(ctx.Settings, log, ct);
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.AddRhythmicConsole(ctx.Configuration);
            builder.Services.AddSingleton(ctx.Settings);
            builder.Services.AddLakeLander();
            await builder.Build().RunAsync(ct);
            return 0;
        }
        finally
        {
            if (startedPg is not null) await startedPg.StopAsync(CancellationToken.None);
        }
    }
}
