namespace Rhythmic.Lake.Landing;

/// <summary>
/// Watches a lander's partitions from outside: which it owns and how far it has read. Optional (a lander has none by
/// default); the replay benchmark paces its producer with one and tests watch a group's split with one. Called on the
/// lander's consumer thread: an implementation keeps what it is given and returns at once.
/// </summary>
public interface ILanderWatcher
{
    /// <summary>The partitions the lander owns after an assignment or a revocation.</summary>
    void Owned(IReadOnlyCollection<(string Topic, int Partition)> partitions);

    /// <summary>The next offset the lander reads of each partition it owns (-1: the partition's start), several times a second.</summary>
    void Read(IReadOnlyDictionary<(string Topic, int Partition), long> next);
}
