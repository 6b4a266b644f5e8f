namespace Rhythmic.Core.Kafka;

/// <summary>
/// Tells how far the platform's consumers are behind the log end of each partition, so a producer can be held back
/// before it pushes messages nobody has read yet out of a cluster's retention.
/// </summary>
public interface IConsumerLagProbe
{
    /// <summary>
    /// One entry per partition that at least one consumer group has stored offsets on, for the slowest such group;
    /// empty while no group has stored any (nothing to hold the producer back by yet).
    /// </summary>
    Task<IReadOnlyList<PartitionLag>> ReadAsync(CancellationToken ct);
}

/// <summary>A partition's log range and the next offset the slowest consumer group stored for it.</summary>
public readonly record struct PartitionLag(string Topic, int Partition, long LogStartOffset, long LogEndOffset, string SlowestGroup, long SlowestNextOffset)
{
    /// <summary>Messages the slowest group has still to read (and store).</summary>
    public long Messages => Math.Max(0, LogEndOffset - SlowestNextOffset);

    /// <summary>Whether retention already deleted messages the slowest group had not read.</summary>
    public bool Lost => SlowestNextOffset < LogStartOffset;
}
