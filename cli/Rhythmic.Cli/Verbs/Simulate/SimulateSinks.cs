using System.CommandLine;
using Rhythmic.Core;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Lake.Backfill;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Cli.Verbs;

/// <summary>
/// Where <c>rhythmic simulate</c> writes: the lake with --lake [DIR] (history backfill, no Kafka), JSON-lines files
/// with --out, else Kafka (the configured brokers or the running platform's embedded cluster).
/// </summary>
internal static class SimulateSinks
{
    private static readonly Option<string?> Lake = new("--lake")
    {
        Description = "Backfill history straight into the lake (the platform's Lake:Root, or DIR), with the lander's layout and manifest.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static void AddOptions(Command command) => command.Options.Add(Lake);

    public static async Task<IEventSink> CreateAsync(CliContext ctx, ParseResult parse, string? outDir, DateTimeOffset? to, bool continuous, CancellationToken ct)
    {
        if (parse.GetResult(Lake) is not null)
        {
            if (!string.IsNullOrWhiteSpace(outDir)) throw new RhythmicException("--lake and --out name two destinations: give one.");
            if (continuous || to is null) throw new RhythmicException("--lake backfills history: give a --to (or leave it for now) and no --continuous; live events reach the lake through Kafka and 'rhythmic land'.");
            await PlatformDatabase.PrepareAsync(ctx.Settings, ctx.Logger("Rhythmic.Simulate"), ct);
            var dir = parse.GetValue(Lake);
            return LakeSink.Create(ctx.Settings, string.IsNullOrWhiteSpace(dir) ? null : ctx.Settings.PathOf(dir), to);
        }
        if (!string.IsNullOrWhiteSpace(outDir)) return new JsonLinesSink(ctx.Settings.PathOf(outDir));
        var bootstrap = await KafkaClients.PlatformBootstrapAsync(ctx.Settings);
        ct.ThrowIfCancellationRequested();
        return new KafkaSink(bootstrap, ctx.Logger("Rhythmic.Simulate.Kafka"));
    }

    public static string Describe(IEventSink sink) => sink switch
    {
        JsonLinesSink files => $"JSON lines in {files.Directory}",
        KafkaSink => "Kafka",
        LakeSink => "the lake",
        _ => sink.GetType().Name,
    };
}
