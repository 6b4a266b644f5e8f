using System.CommandLine;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Cli.Verbs;

/// <summary>
/// Where <c>rhythmic simulate</c> writes: JSON-lines files with --out, else Kafka (the configured brokers or the
/// running platform's embedded cluster). Another sink (the lake backfill, --lake) plugs in here: add its option in
/// <see cref="AddOptions"/> and its case in <see cref="CreateAsync"/>.
/// </summary>
internal static class SimulateSinks
{
    public static void AddOptions(Command command) => _ = command;

    public static async Task<IEventSink> CreateAsync(CliContext ctx, ParseResult parse, string? outDir, CancellationToken ct)
    {
        _ = parse;
        if (!string.IsNullOrWhiteSpace(outDir)) return new JsonLinesSink(ctx.Settings.PathOf(outDir));
        var settings = ctx.Settings;
        var bootstrap = RuntimeState.KafkaBootstrap(settings);
        if (!settings.Kafka.IsEmbedded) await KafkaClients.EnsureTopicsAsync(bootstrap, Topics.All, settings.Kafka.Partitions);
        ct.ThrowIfCancellationRequested();
        return new KafkaSink(bootstrap, ctx.Logger("Rhythmic.Simulate.Kafka"));
    }

    public static string Describe(IEventSink sink) => sink switch
    {
        JsonLinesSink files => $"JSON lines in {files.Directory}",
        KafkaSink => "Kafka",
        _ => sink.GetType().Name,
    };
}
