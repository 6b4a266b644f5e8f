using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Kafka;
using Rhythmic.Serving;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic up</c>: the whole platform in one process on the configured (by default embedded) PostgreSQL and Kafka.</summary>
internal static class UpVerb
{
    public static Command Create()
    {
        var command = new Command("up", "Run the whole platform in one process: embedded Kafka (unless configured), PostgreSQL, every layer and the serving API.");
        command.SetAction(async (_, invocation) =>
        {
            using var ctx = CliContext.Load();
            return await ctx.RunWithDatabaseAsync("Rhythmic.Up", invocation, async (log, ct) =>
            {
                using var kafka = ctx.Settings.Kafka.IsEmbedded ? EmbeddedKafka.Start(ctx.Settings, log) : null;
                if (kafka is not null) await kafka.ForgetStoredOffsetsAsync(ctx.DataSource, log, ct);
                var app = ServingHost.Build(ctx.Settings, UpComposition.AddLayers, ctx.DataSource);
                log.LogInformation("Rhythmic is up: API at {Urls}", ctx.Settings.Serving.Urls);
                await HostingAbstractionsHostExtensions.RunAsync(app, ct);
            });
        });
        return command;
    }
}
