using System.CommandLine;
using Rhythmic.Core.Configuration;
using Rhythmic.SpeedLayer.Hosting;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic speed</c>: one speed-layer instance (start several to share the partitions).</summary>
internal static class SpeedVerb
{
    public static Command Create()
    {
        var metricsUrl = CliContext.MetricsUrlOption();
        var command = new Command("speed", "Run the speed layer (Kafka to per-minute aggregates in PostgreSQL), exactly once, until Ctrl-C.");
        command.Options.Add(metricsUrl);
        command.SetAction(async (parse, ct) =>
        {
            using var ctx = CliContext.Load();
            _ = RuntimeState.KafkaBootstrap(ctx.Settings); // fail now, with the fix, if there is no Kafka
            return await ctx.RunWithDatabaseAsync("Rhythmic.Speed", ct, (_, token) => ctx.RunWorkersAsync(s => s.AddSpeedLayer(), parse.GetValue(metricsUrl), token));
        });
        return command;
    }
}
