using System.CommandLine;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake;
using Rhythmic.Lake.Identity;
using Rhythmic.Lake.Landing;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic land</c>: one lake lander (start several to share the partitions).</summary>
internal static class LandVerb
{
    public static Command Create()
    {
        var metricsUrl = CliContext.MetricsUrlOption();
        var command = new Command("land", "Run the lake lander (Kafka to date/hour-partitioned Parquet, exactly once) until Ctrl-C.");
        command.Options.Add(metricsUrl);
        command.SetAction(async (parse, ct) =>
        {
            using var ctx = CliContext.Load();
            _ = RuntimeState.KafkaBootstrap(ctx.Settings); // fail now, with the fix, if there is no Kafka
            return await ctx.RunWithDatabaseAsync("Rhythmic.Land", ct, async (_, token) =>
            {
                // Refused here, as one line, when Lake:Root is not the directory the manifest records.
                await new LakeManifest(ctx.DataSource)
                    .BindRootAsync(new LocalLakeStorage(ctx.Settings.PathOf(ctx.Settings.Lake.Root)), token);
                await ctx.RunWorkersAsync(s => s.AddLakeLander(), parse.GetValue(metricsUrl), token);
            });
        });
        return command;
    }
}
