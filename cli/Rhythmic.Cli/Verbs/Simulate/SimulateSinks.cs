using System.CommandLine;
using Microsoft.Extensions.Logging;
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
        var logger = ctx.Logger("Rhythmic.Simulate.Kafka");
        return new KafkaSink(bootstrap, logger, holdBack: HoldBack(ctx, bootstrap, logger, ct));
    }

    /// <summary>
    /// The embedded Kafka keeps Kafka:EmbeddedRetentionMB per partition: hold the simulator back while the speed
    /// layer or the lander (their offsets are in PostgreSQL) lag too far behind for it. A real cluster's retention is
    /// its own (by time, usually), so nothing holds the producer back there.
    /// </summary>
    private static ProducerHoldBack? HoldBack(CliContext ctx, string bootstrap, ILogger logger, CancellationToken ct)
        => ctx.Settings.Kafka.IsEmbedded
            ? new ProducerHoldBack(ctx.Settings.Kafka.EmbeddedRetentionBytes, new PostgresConsumerLagProbe(ctx.Settings, bootstrap), logger, ct)
            : null;

    public static string Describe(IEventSink sink) => sink switch
    {
        JsonLinesSink files => $"JSON lines in {files.Directory}",
        KafkaSink => "Kafka",
        LakeSink => "the lake",
        _ => sink.GetType().Name,
    };
}
