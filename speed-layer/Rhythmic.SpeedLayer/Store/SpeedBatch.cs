using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.SpeedLayer.Aggregation;

namespace Rhythmic.SpeedLayer.Store;

/// <summary>What a partition's stored checkpoint says: where to resume and the newest event time seen (the watermark's base).</summary>
public readonly record struct Checkpoint(long NextOffset, long MaxEventTs);

/// <summary>
/// A partition's progress in one flush. <see cref="ExpectedNextOffset"/> is the stored offset this consumer started
/// from (<see cref="None"/> when nothing was stored): the store refuses the flush if another consumer moved it since.
/// </summary>
public readonly record struct PartitionProgress(string Topic, int Partition, long ExpectedNextOffset, long NextOffset, long MaxEventTs)
{
    /// <summary>"No checkpoint stored yet".</summary>
    public const long None = -2;
}

/// <summary>A message no layer could use, with why.</summary>
/// <summary>Everything one flush commits atomically: aggregates, dead letters, gaps and the partitions' progress.</summary>
public sealed record SpeedBatch(MinuteAggregates Aggregates, IReadOnlyList<DeadLetter> DeadLetters, IReadOnlyList<PartitionProgress> Progress)
{
    /// <summary>Offset ranges the batch's progress steps over unread (for <c>ops.consumer_gaps</c>).</summary>
    public IReadOnlyList<OffsetGap> Gaps { get; init; } = [];
}

/// <summary>The outcome of <see cref="ISpeedStore.Commit"/>.</summary>
public enum CommitOutcome
{
    /// <summary>Everything was written.</summary>
    Committed,
    /// <summary>Nothing was written: another consumer moved a partition's offset since this one read it.</summary>
    Conflict,
}
