using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Aggregation;
using Rhythmic.SpeedLayer.Store;

namespace Rhythmic.SpeedLayer;

/// <summary>
/// The speed layer's logic between Kafka and the store, without either: parses each message, applies the partition's
/// watermark (newest event time seen in the partition minus the allowed lateness), counts on-time events into their
/// minute, late ones into late events, bad ones into dead letters, and tracks each partition's next offset.
/// Watermarks are per partition and stored with the offsets, so the outcome does not depend on how partitions are
/// spread over instances or on restarts. Single-threaded.
/// </summary>
public sealed class SpeedProcessor
{
    /// <summary>Dead-letter payloads keep at most this many bytes.</summary>
    public const int MaxDeadLetterPayload = 4096;

    private readonly EventParser _parser;
    private readonly EventRecord _record = new();
    private EventFields _fields;
    private readonly long _latenessMs;
    private readonly Dictionary<(string, int), PartitionState> _partitions = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly TimeProvider _clock;
    private string? _lastTopic;
    private int _lastPartition;
    private PartitionState? _lastState;

    /// <summary>A processor applying <paramref name="settings"/> (lateness, size and time limits).</summary>
    public SpeedProcessor(SpeedSettings settings, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _latenessMs = settings.AllowedLatenessSeconds * 1000L;
        _parser = new EventParser(new EventParserOptions
        {
            MaxFutureSeconds = settings.MaxFutureSeconds, MaxMessageBytes = settings.MaxMessageBytes, Clock = _clock,
        });
    }

    /// <summary>Counts gathered since the last commit.</summary>
    public MinuteAggregates Pending { get; } = new();

    /// <summary>Messages consumed since the last commit (events, late events and dead letters).</summary>
    public int PendingMessages { get; private set; }

    /// <summary>Dead letters gathered since the last commit.</summary>
    public IReadOnlyList<DeadLetter> PendingDeadLetters => _deadLetters;

    /// <summary>The partitions this processor owns.</summary>
    public IEnumerable<(string Topic, int Partition)> Partitions => _partitions.Keys;

    /// <summary>Takes ownership of a partition from its stored checkpoint (null: nothing stored, start from the beginning).</summary>
    public void Assign(string topic, int partition, Checkpoint? stored)
    {
        _partitions[(topic, partition)] = new PartitionState(stored?.NextOffset ?? PartitionProgress.None, stored?.MaxEventTs ?? long.MinValue);
        _lastTopic = null;
    }

    /// <summary>Gives up a partition (after its progress was committed or discarded).</summary>
    public void Remove(string topic, int partition)
    {
        _partitions.Remove((topic, partition));
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
        if (state.Next != PartitionProgress.None && offset < state.Next) return false;
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
            var keep = Math.Min(value.Length, MaxDeadLetterPayload);
            _deadLetters.Add(new DeadLetter(topic, partition, offset, _clock.GetUtcNow().UtcDateTime, reason, value[..keep].ToArray(), value.Length));
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
        return new SpeedBatch(Pending, _deadLetters, progress);
    }

    /// <summary>Marks the pending batch as stored: its progress becomes the partitions' committed state.</summary>
    public void Committed()
    {
        foreach (var s in _partitions.Values)
        {
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
            s.Next = s.CommittedNext;
            s.MaxTs = s.CommittedMaxTs;
            s.Dirty = false;
        }
        Clear();
    }

    private void Clear()
    {
        Pending.Clear();
        _deadLetters.Clear();
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
        public long Next = committedNext;
        public long MaxTs = committedMaxTs;
        public bool Dirty;
    }
}
