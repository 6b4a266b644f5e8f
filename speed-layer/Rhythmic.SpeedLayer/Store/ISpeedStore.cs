namespace Rhythmic.SpeedLayer.Store;

/// <summary>
/// The speed layer's write path, kept narrow so another serving store (Cassandra, see speed-layer/cassandra/) can
/// stand in for PostgreSQL: read checkpoints on assignment, commit a batch atomically. Implementations must apply a
/// batch's aggregates, dead letters, gaps and offsets all or nothing, and refuse it when an expected offset does not match.
/// </summary>
public interface ISpeedStore
{
    /// <summary>The stored checkpoints of <paramref name="partitions"/> for <paramref name="consumerGroup"/> (absent ones are missing).</summary>
    IReadOnlyDictionary<(string Topic, int Partition), Checkpoint> LoadCheckpoints(string consumerGroup, IReadOnlyCollection<(string Topic, int Partition)> partitions);

    /// <summary>Writes <paramref name="batch"/> in one transaction, or nothing on a <see cref="CommitOutcome.Conflict"/>.</summary>
    CommitOutcome Commit(string consumerGroup, SpeedBatch batch);
}
