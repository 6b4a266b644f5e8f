using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.SpeedLayer.Aggregation;
using Rhythmic.SpeedLayer.Parsing;
using Rhythmic.SpeedLayer.Store;

namespace Rhythmic.SpeedLayer;

/// <summary>
/// The speed layer's logic between Kafka and the store, without either: parses each message, applies the partition's
/// watermark (newest event time seen in the partition minus the allowed lateness), counts on-time events into their
/// minute, late ones into late events, bad ones into dead letters, and tracks each partition's next offset; a message
/// beyond that offset, or a range the consumer found deleted from the log, is a gap committed with the batch.
/// Watermarks are per partition and stored with the offsets, so the outcome does not depend on how partitions are
/// spread over instances or on restarts. Single-threaded.
/// </summary>
public sealed class SpeedProcessor
{
    private readonly SpeedParser _parser;
    private readonly EventRecord _record = new();
    private EventFields _fields;
    private readonly long _latenessMs;
    private readonly Dictionary<(string, int), PartitionState> _partitions = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly List<OffsetGap> _gaps = [];
    private readonly TimeProvider _clock;
    private string? _lastTopic;
    private int _lastPartition;
    private PartitionState? _lastState;

    /// <summary>A processor applying <paramref name="settings"/> (lateness, size and time limits).</summary>
    public SpeedProcessor(SpeedSettings settings, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _latenessMs = settings.AllowedLatenessSeconds * 1000L;
        _parser = new SpeedParser(new EventParserOptions
        {
            MaxFutureSeconds = settings.MaxFutureSeconds, MaxMessageBytes = settings.MaxMessageBytes, Clock = _clock,
        });
    }

    /// <summary>Counts gathered since the last commit.</summary>
    public MinuteAggregates Pending { get; } = new();

    /// <summary>Messages consumed since the last commit (events, late events and dead letters).</summary>
    public int PendingMessages { get; private set; }

    /// <summary>The partitions this processor owns.</summary>
    public IEnumerable<(string Topic, int Partition)> Partitions => _partitions.Keys;

    /// <summary>
    /// Takes ownership of a partition from its stored checkpoint (null: nothing stored), to be read from
    /// <paramref name="start"/> (by default the stored offset; with neither, the first offset read is taken as expected).
    /// </summary>
    public void Assign(string topic, int partition, Checkpoint? stored, long? start = null)
    {
        var next = start ?? stored?.NextOffset ?? PartitionProgress.None;
        _partitions[(topic, partition)] = new PartitionState(stored?.NextOffset ?? PartitionProgress.None, stored?.MaxEventTs ?? long.MinValue) { Next = next, Start = next };
        _gaps.RemoveAll(g => g.Topic == topic && g.Partition == partition); // found before from older state: found again if still there
        _lastTopic = null;
    }

    /// <summary>
    /// Records that offsets [gap.FirstMissing, gap.LastMissing] of an owned partition will never be read, which must
    /// start at the partition's next offset (or at any offset when none is known yet): the partition's progress moves past
    /// it and the gap is committed with the next batch, so a flush that fails forgets both and they are found again.
    /// </summary>
    public void RecordGap(OffsetGap gap)
    {
        if (!_partitions.TryGetValue((gap.Topic, gap.Partition), out var state)) return;
        if (state.Next != PartitionProgress.None && gap.FirstMissing != state.Next)
            throw new InvalidOperationException($"A gap of {gap.Topic}[{gap.Partition}] must start at its next offset {state.Next}, not {gap.FirstMissing}.");
        _gaps.Add(gap);
        state.Next = gap.LastMissing + 1;
        state.Dirty = true;
    }

    /// <summary>
    /// Moves an owned partition's next offset to <paramref name="offset"/>, even backwards (its log was recreated or
    /// truncated under the consumer); the move is committed with the next batch.
    /// </summary>
    public void MoveTo(string topic, int partition, long offset)
    {
        if (!_partitions.TryGetValue((topic, partition), out var state)) return;
        state.Next = offset;
        state.Dirty = true;
    }

    /// <summary>Gives up a partition (after its progress was committed or discarded).</summary>
    public void Remove(string topic, int partition)
    {
        _partitions.Remove((topic, partition));
        _gaps.RemoveAll(g => g.Topic == topic && g.Partition == partition);
        _lastTopic = null;
    }

    /// <summary>The offset a partition should be read from next (<see cref="PartitionProgress.None"/> if unknown).</summary>
    public long NextOffset(string topic, int partition)
        => _partitions.TryGetValue((topic, partition), out var s) ? s.Next : PartitionProgress.None;

    /// <summary>
    /// Processes one message. Returns false when it is ignored: its partition is not owned, or its offset is before the
    /// partition's next offset (already counted).
    /// </summary>
    public bool Process(string topic, int partition, long offset, ReadOnlySpan<byte> value)
    {
        PartitionState? state;
        if (ReferenceEquals(topic, _lastTopic) && partition == _lastPartition) state = _lastState!;
        else
        {
            if (!_partitions.TryGetValue((topic, partition), out state)) return false;
            (_lastTopic, _lastPartition, _lastState) = (topic, partition, state); // runs of one partition skip the lookup
        }
        if (offset != state.Next && state.Next != PartitionProgress.None)
        {
            if (offset < state.Next) return false;
            RecordGap(ConsumerGaps.Jump(topic, partition, state.Next, offset)!); // rare: the hot path pays one compare
        }
        // The fast path parses without allocating; anything it declines (bad or merely unusual) takes the general path.
        if (_parser.TryParseFields(topic, value, ref _fields))
        {
            var ts = _fields.Ts;
            if (state.MaxTs != long.MinValue && ts < state.MaxTs - _latenessMs) Pending.AddLate(TopicName(topic), _fields.MinuteMs);
            else Pending.Add(topic, value, in _fields);
            if (ts > state.MaxTs) state.MaxTs = ts;
        }
        else if (_parser.TryParse(topic, value, _record, out var reason))
        {
            var ts = _record.Ts;
            if (state.MaxTs != long.MinValue && ts < state.MaxTs - _latenessMs) Pending.AddLate(_record.Topic, _record.MinuteMs);
            else Pending.Add(_record);
            if (ts > state.MaxTs) state.MaxTs = ts;
        }
        else
        {
            _deadLetters.Add(DeadLetter.Of(topic, partition, offset, _clock.GetUtcNow().UtcDateTime, reason, value));
        }
        state.Next = offset + 1;
        state.Dirty = true;
        PendingMessages++;
        return true;
    }

    /// <summary>The batch to commit (null when nothing moved since the last commit).</summary>
    public SpeedBatch? TakeBatch()
    {
        var progress = new List<PartitionProgress>();
        foreach (var ((topic, partition), s) in _partitions)
            if (s.Dirty) progress.Add(new PartitionProgress(topic, partition, s.CommittedNext, s.Next, s.MaxTs));
        if (progress.Count == 0) return null;
        progress.Sort((a, b) => (a.Topic, a.Partition).CompareTo((b.Topic, b.Partition)));
        return new SpeedBatch(Pending, _deadLetters, progress) { Gaps = _gaps };
    }

    /// <summary>Marks the pending batch as stored: its progress becomes the partitions' committed state.</summary>
    public void Committed()
    {
        foreach (var s in _partitions.Values)
        {
            // Only the batch's partitions were stored: one that was not keeps its committed state (a partition with
            // nothing stored yet is read from its start but must still be expected as unstored by the next flush).
            if (!s.Dirty) continue;
            s.CommittedNext = s.Next;
            s.CommittedMaxTs = s.MaxTs;
            s.Dirty = false;
        }
        Clear();
    }

    /// <summary>Drops the pending batch: every partition goes back to its committed state (the consumer must seek there).</summary>
    public void Discard()
    {
        foreach (var s in _partitions.Values)
        {
            s.Next = s.CommittedNext == PartitionProgress.None ? s.Start : s.CommittedNext;
            s.MaxTs = s.CommittedMaxTs;
            s.Dirty = false;
        }
        Clear();
    }

    private void Clear()
    {
        Pending.Clear();
        _deadLetters.Clear();
        _gaps.Clear();
        PendingMessages = 0;
    }

    /// <summary>The topic's constant (as the general path records it), so late-event keys never hold a caller's string.</summary>
    private static string TopicName(string topic) => topic switch
    {
        Topics.Listen => Topics.Listen, Topics.PageView => Topics.PageView, Topics.Auth => Topics.Auth, _ => Topics.StatusChange,
    };

    private sealed class PartitionState(long committedNext, long committedMaxTs)
    {
        public long CommittedNext = committedNext;
        public long CommittedMaxTs = committedMaxTs;
        public long Start = committedNext;     // where reading began, for Discard when nothing was committed yet
        public long Next = committedNext;
        public long MaxTs = committedMaxTs;
        public bool Dirty;
    }
}
