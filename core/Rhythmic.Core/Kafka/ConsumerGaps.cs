using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Observability;

namespace Rhythmic.Core.Kafka;

/// <summary>How a consumer found a gap (the <c>how</c> column of <c>ops.consumer_gaps</c>).</summary>
public static class GapKind
{
    /// <summary>A fetched message's offset was beyond the partition's next expected offset.</summary>
    public const string OffsetJump = "offset_jump";
    /// <summary>At assignment the partition's log start was past the group's stored offset.</summary>
    public const string LogStartPassed = "log_start_passed";
    /// <summary>Fetching failed out of range while consuming (auto.offset.reset=error) and the log start had passed the position.</summary>
    public const string OffsetReset = "offset_reset";
    /// <summary>The group had no stored offset and the partition's log started after 0: those messages were deleted before it read.</summary>
    public const string BeforeFirstRead = "before_first_read";
}

/// <summary>Offsets [<paramref name="FirstMissing"/>, <paramref name="LastMissing"/>] of a partition that a consumer group never read.</summary>
public sealed record OffsetGap(string Topic, int Partition, long FirstMissing, long LastMissing, string How)
{
    /// <summary>Messages in the range.</summary>
    public long MissingCount => LastMissing - FirstMissing + 1;
}

/// <summary>
/// Where a partition is read from next: <see cref="Offset"/>, after the <see cref="Gap"/> the log no longer holds (if any).
/// <see cref="BeyondLogEnd"/> says the expected offset was past the log's end (the topic was recreated or truncated).
/// </summary>
public readonly record struct ResumePoint(long Offset, OffsetGap? Gap, bool BeyondLogEnd);

/// <summary>
/// The rules every consumer group of the platform follows so that no skipped offset goes unnoticed: the consumers
/// keep their offsets in PostgreSQL and run with auto.offset.reset=error, and each place where the log and the group
/// disagree (assignment, an out-of-range fetch, a fetched offset beyond the expected one) becomes an <see cref="OffsetGap"/>
/// recorded with the offset advance that steps over it.
/// </summary>
public static class ConsumerGaps
{
    /// <summary>
    /// The offset a group that stored none expects first. Kafka numbers a partition from 0, so a log starting later
    /// deleted messages the group never read: a gap (<see cref="GapKind.BeforeFirstRead"/>). That holds after an embedded
    /// Kafka restart too: EmbeddedKafka.ForgetStoredOffsetsAsync forgets the offsets of the old cluster, and the new one
    /// numbers from 0 again, so nothing is recorded unless the new cluster already deleted messages before the consumers
    /// got to them (then they are lost indeed). On a real cluster a new group pointed at a long-retained topic records
    /// everything retention deleted before it started: also true, and the <c>how</c> says it was before its first read.
    /// </summary>
    public const long FirstOffset = 0;

    /// <summary>The insert of a group's gaps into <c>ops.consumer_gaps</c> (parameters: group, topics[], partitions[], firsts[], lasts[], hows[]).</summary>
    public static string RecordSql { get; } = SqlResources.Read(typeof(ConsumerGaps).Assembly, "core/record_consumer_gaps.sql");

    /// <summary>
    /// Where to resume a partition whose next expected offset is <paramref name="expected"/> (0 for a group that
    /// stored nothing yet) when its log holds [<paramref name="logStart"/>, <paramref name="logEnd"/>); bounds below 0
    /// mean unknown, and the expected offset stands (an out-of-range fetch then finds any gap).
    /// </summary>
    public static ResumePoint Resume(string topic, int partition, long expected, long logStart, long logEnd, string how)
    {
        if (logStart < 0 || logEnd < 0) return new ResumePoint(expected, null, false);
        if (expected < logStart) return new ResumePoint(logStart, new OffsetGap(topic, partition, expected, logStart - 1, how), false);
        // Past the end: the topic was recreated (an embedded Kafka whose old offsets were not forgotten) or truncated.
        // Re-reading from the log's start risks counting again rather than losing, which is the side to err on.
        if (expected > logEnd) return new ResumePoint(logStart, null, true);
        return new ResumePoint(expected, null, false);
    }

    /// <summary>
    /// The gap before a fetched <paramref name="offset"/> when it is beyond the <paramref name="expected"/> one, else null.
    /// Offsets are contiguous for our producers (idempotent, not transactional) on topics that are not compacted; a
    /// transactional producer's control records or compaction would also skip offsets legitimately, and would show
    /// here as gaps too: consumers of such topics would have to tell those apart before recording one.
    /// </summary>
    public static OffsetGap? Jump(string topic, int partition, long expected, long offset)
        => offset > expected && expected >= 0 ? new OffsetGap(topic, partition, expected, offset - 1, GapKind.OffsetJump) : null;

    /// <summary>The partition's log start and end from the broker, or (-1, -1) when they cannot be read in time (logged).</summary>
    public static (long Start, long End) LogBounds<TKey, TValue>(IConsumer<TKey, TValue> consumer, TopicPartition partition, ILogger log)
    {
        try
        {
            var w = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(5));
            return (w.Low.Value, w.High.Value);
        }
        catch (KafkaException e)
        {
            log.LogWarning("Could not read the log start of {Topic}[{Partition}] ({Reason}); an out-of-range fetch will still find any gap",
                partition.Topic, partition.Partition.Value, e.Error.Reason);
            return (-1, -1);
        }
    }

    /// <summary>
    /// Restarts fetching a partition at <paramref name="offset"/> after auto.offset.reset=error stopped it: librdkafka
    /// refuses a seek then (the partition is in no fetch state), so the partition is unassigned and assigned again
    /// (incrementally: the group's cooperative protocol; no rebalance, the group does not notice).
    /// </summary>
    public static void Restart<TKey, TValue>(IConsumer<TKey, TValue> consumer, TopicPartition partition, long offset)
    {
        consumer.IncrementalUnassign([partition]);
        consumer.IncrementalAssign([new TopicPartitionOffset(partition, new Offset(offset))]);
    }

    /// <summary>True for the error librdkafka raises instead of resetting an out-of-range offset (auto.offset.reset=error).</summary>
    public static bool IsOffsetReset(Error error) => error.Code == ErrorCode.Local_AutoOffsetReset;
}

/// <summary>Logs and counts the gaps a consumer group recorded (after their transaction committed, so each once).</summary>
public sealed class ConsumerGapReporter
{
    private readonly MetricsRegistry _registry;
    private readonly string _group;
    private readonly ILogger _log;

    /// <summary>A reporter for <paramref name="group"/>, whose series start at 0 for each of <paramref name="topics"/> (so "no gap" shows).</summary>
    public ConsumerGapReporter(MetricsRegistry registry, string group, ILogger log, IEnumerable<string> topics)
    {
        (_registry, _group, _log) = (registry, group, log);
        foreach (var topic in topics)
        {
            Gaps(topic);
            Missing(topic);
        }
    }

    /// <summary>Reports gaps just committed to <c>ops.consumer_gaps</c>.</summary>
    public void Recorded(IEnumerable<OffsetGap> gaps)
    {
        foreach (var g in gaps)
        {
            Gaps(g.Topic).Inc();
            Missing(g.Topic).Inc(g.MissingCount);
            _log.LogError("Gap in {Topic}[{Partition}] for group {Group}: offsets {FirstMissing}..{LastMissing} ({Missing} message(s)) were never read ({How}); recorded in ops.consumer_gaps",
                g.Topic, g.Partition, _group, g.FirstMissing, g.LastMissing, g.MissingCount, g.How);
        }
    }

    private Counter Gaps(string topic) => _registry.Counter("rhythmic_consumer_gaps_total",
        "Ranges of Kafka offsets a consumer group never read (ops.consumer_gaps).", ("group", _group), ("topic", topic));

    private Counter Missing(string topic) => _registry.Counter("rhythmic_consumer_missing_messages_total",
        "Kafka messages a consumer group never read (deleted before it got there, or skipped).", ("group", _group), ("topic", topic));
}
