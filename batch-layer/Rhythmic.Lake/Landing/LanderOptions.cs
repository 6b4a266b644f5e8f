using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Parquet;

namespace Rhythmic.Lake.Landing;

/// <summary>What a <see cref="Lander"/> needs to run, resolved from the platform's settings or given by a test.</summary>
public sealed class LanderOptions
{
    public required string BootstrapServers { get; init; }
    public string ConsumerGroup { get; init; } = "rhythmic-lander";
    public string ClientId { get; init; } = $"lander-{Environment.MachineName}-{Environment.ProcessId}";
    public IReadOnlyList<string> Topics { get; init; } = Core.Events.Topics.All;
    /// <summary>A checkpoint (all open files closed and committed) happens once this many JSON bytes are buffered...</summary>
    public long RollBytes { get; init; } = 64L * 1024 * 1024;
    /// <summary>...or once the oldest buffered event has waited this long.</summary>
    public TimeSpan RollAge { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// Behind by this many messages (over the partitions it owns), the lander is catching up a backlog: it rolls at
    /// <see cref="RollBytes"/> only, not at <see cref="RollAge"/>, until it is within a tenth of this again.
    /// </summary>
    public long BacklogMessages { get; init; } = 10_000;
    public int RowGroupRows { get; init; } = 100_000;
    public ParquetCodec Codec { get; init; } = ParquetCodec.Snappy;
    /// <summary>The watermark of a partition trails its newest landed event time by this much.</summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.FromMinutes(5);
    public EventParserOptions Parser { get; init; } = new();

    /// <summary>The options of the platform's lander.</summary>
    public static LanderOptions From(RhythmicSettings s, string bootstrapServers) => new()
    {
        BootstrapServers = bootstrapServers,
        ConsumerGroup = s.Lander.ConsumerGroup,
        RollBytes = s.Lander.RollBytes,
        RollAge = TimeSpan.FromSeconds(s.Lander.RollSeconds),
        RowGroupRows = s.Lander.RowGroupRows,
        Codec = s.Lander.Codec == "none" ? ParquetCodec.None : ParquetCodec.Snappy,
        AllowedLateness = TimeSpan.FromSeconds(s.Lander.AllowedLatenessSeconds),
        Parser = new EventParserOptions { MaxMessageBytes = s.Speed.MaxMessageBytes, MaxFutureSeconds = s.Speed.MaxFutureSeconds },
    };
}
