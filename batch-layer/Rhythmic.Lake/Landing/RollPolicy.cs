namespace Rhythmic.Lake.Landing;

/// <summary>
/// When the lander checkpoints. Live (caught up): once <c>RollBytes</c> of JSON are buffered or the oldest buffered
/// event has waited <c>RollAge</c> (Lander:RollBytes, Lander:RollSeconds). Behind by a backlog (a replay of history, a
/// restart after downtime): only at RollBytes, so that each (topic, partition, hour) file holds as many events as the
/// buffer allows rather than what arrived within RollAge; and once the backlog is read, at once, rather than RollAge
/// after its last events. The lander is behind from <c>BacklogMessages</c> of lag until it has read everything, or has
/// stayed within a tenth of BacklogMessages for RollAge (a busy live stream seldom shows no lag at all).
/// </summary>
internal sealed class RollPolicy(long rollBytes, TimeSpan rollAge, long backlogMessages)
{
    private readonly long _rollAgeMs = (long)rollAge.TotalMilliseconds;
    private readonly long _nearlyCaughtUp = Math.Max(1, backlogMessages / 10);
    private long _nearlyCaughtUpSince = -1;
    private bool _landBacklog;

    /// <summary>Whether the lander is catching up a backlog.</summary>
    public bool Behind { get; private set; }

    /// <summary>
    /// Takes the lag (messages not yet read, over the partitions owned) measured at <paramref name="nowMs"/>; returns
    /// true when it changes <see cref="Behind"/>. <paramref name="holdsEvents"/>: whether anything is buffered.
    /// </summary>
    public bool Observe(long lag, long nowMs, bool holdsEvents)
    {
        if (!Behind)
        {
            if (lag < backlogMessages) return false;
            Behind = true;
            _nearlyCaughtUpSince = -1;
            return true;
        }
        _nearlyCaughtUpSince = lag > 0 && lag < _nearlyCaughtUp ? (_nearlyCaughtUpSince < 0 ? nowMs : _nearlyCaughtUpSince) : -1;
        if (lag > 0 && (_nearlyCaughtUpSince < 0 || nowMs - _nearlyCaughtUpSince < _rollAgeMs)) return false;
        Behind = false;
        _landBacklog = holdsEvents;
        return true;
    }

    /// <summary>
    /// Whether to checkpoint now, given the JSON bytes buffered and when the oldest buffered event arrived
    /// (<paramref name="oldestMs"/>; null when nothing is buffered).
    /// </summary>
    public bool ShouldRoll(long bufferedBytes, long? oldestMs, long nowMs)
    {
        if (oldestMs is not { } oldest) return false;
        if (bufferedBytes >= rollBytes) return true;
        if (Behind) return false;
        if (_landBacklog)
        {
            _landBacklog = false;
            return true;
        }
        return nowMs - oldest >= _rollAgeMs;
    }
}
