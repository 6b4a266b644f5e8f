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
        Description = "Backfill history straight into the lake, with the lander's layout: the platform's Lake:Root (recorded in its manifest), " +
            "or DIR, which keeps a manifest of its own (DIR/_rhythmic/manifest.jsonl) and never touches the platform's.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static void AddOptions(Command command) => command.Options.Add(Lake);

    public static async Task<IEventSink> CreateAsync(CliContext ctx, ParseResult parse, string? outDir, DateTimeOffset? to, bool continuous, CancellationToken ct)
    {
        if (parse.GetResult(Lake) is not null)
        {
            if (!string.IsNullOrWhiteSpace(outDir)) throw new RhythmicException("--lake and --out name two destinations: give one.");
            if (continuous || to is null) throw new RhythmicException("--lake backfills history: give a --to (or leave it for now) and no --continuous; live events reach the lake through Kafka and 'rhythmic land'.");
            var dir = parse.GetValue(Lake);
            // Only the platform's lake (no DIR, or DIR is Lake:Root) needs the platform's database.
            if (!LakeSink.TargetsPlatformLake(ctx.Settings, dir)) return await LakeSink.CreateAsync(ctx.Settings, null, dir, to, ct);
            await ctx.PrepareDatabaseAsync(ctx.Logger("Rhythmic.Simulate"), ct);
            return await LakeSink.CreateAsync(ctx.Settings, ctx.DataSource, dir, to, ct);
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
            ? new ProducerHoldBack(ctx.Settings.Kafka.EmbeddedRetentionBytes, new PostgresConsumerLagProbe(ctx.Settings, ctx.DataSource, bootstrap), logger, ct)
            : null;

    public static string Describe(IEventSink sink) => sink switch
    {
        JsonLinesSink files => $"JSON lines in {files.Directory}",
        KafkaSink => "Kafka",
        LakeSink { ManifestLocation: { } own } lake => $"the lake in {lake.Location} (its own manifest {own})",
        LakeSink lake => $"the platform's lake in {lake.Location}",
        _ => sink.GetType().Name,
    };
}
