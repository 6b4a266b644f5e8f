using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Core.Observability;
using Rhythmic.SpeedLayer.Store;

namespace Rhythmic.SpeedLayer.Consumer;

/// <summary>
/// One speed-layer instance: a member of the consumer group over the four topics that feeds a <see cref="SpeedProcessor"/>
/// and commits its batches to an <see cref="ISpeedStore"/> every flush interval. Offsets live only in the store: on
/// assignment the consumer resumes from the stored offsets, on revocation or loss it flushes first, and when a flush
/// is refused (another instance moved a partition) or fails it drops what it had and re-reads from the stored offsets.
/// Offsets the log no longer holds (retention passed the stored offset, or passes the consumer while it reads) and
/// messages beyond the next expected offset are gaps, committed to <c>ops.consumer_gaps</c> with the flush that steps
/// over them, then logged and counted. <see cref="Run"/> blocks; call it on a thread of its own.
/// </summary>
public sealed class SpeedConsumer
{
    private const int MaxPendingMessages = 200_000;
    private readonly SpeedSettings _settings;
    private readonly string _bootstrap;
    private readonly ISpeedStore _store;
    private readonly ILogger _log;
    private readonly string _clientId;
    private readonly SpeedProcessor _processor;
    private readonly SpeedMetrics _metrics;
    private readonly ConsumerGapReporter _gaps;
    private IConsumer<Ignore, byte[]>? _consumer;
    private bool _rewindNeeded;
    private readonly TimeProvider _clock;
    private volatile bool _crashed;
    private long _sinceReport;
    private readonly Stopwatch _reportClock = Stopwatch.StartNew();

    /// <summary>An instance reading <paramref name="bootstrapServers"/> into <paramref name="store"/>, timing its flushes by <paramref name="clock"/> (the system's by default).</summary>
    public SpeedConsumer(SpeedSettings settings, string bootstrapServers, ISpeedStore store, ILogger logger, string? clientId = null, MetricsRegistry? metrics = null,
        TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _settings = settings;
        _bootstrap = bootstrapServers;
        _store = store;
        _log = logger;
        _clientId = clientId ?? $"rhythmic-speed-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        _processor = new SpeedProcessor(settings, _clock);
        _metrics = new SpeedMetrics(metrics ?? MetricsRegistry.Default, settings.ConsumerGroup);
        _gaps = new ConsumerGapReporter(metrics ?? MetricsRegistry.Default, settings.ConsumerGroup, logger, Topics.All);
    }

    /// <summary>Flushes committed by this instance.</summary>
    public long FlushCount { get; private set; }

    /// <summary>Consumes until <paramref name="stop"/> is cancelled, then flushes and leaves the group.</summary>
    public void Run(CancellationToken stop)
    {
        KafkaNative.EnsureLoaded();
        var config = KafkaClients.Consumer(_bootstrap, _settings.ConsumerGroup, _clientId);
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config)
            .SetPartitionsAssignedHandler((c, partitions) => OnAssigned(c, partitions, stop))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions, "revoked"))
            .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions, "lost"))
            .SetErrorHandler((_, e) => _log.Log(e.IsFatal ? LogLevel.Error : LogLevel.Debug, "Kafka {Code}: {Reason}", e.Code, e.Reason))
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) _log.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message); })
            .Build();
        _consumer = consumer;
        consumer.Subscribe(Topics.All);
        _log.LogInformation("Speed consumer {Client} joined group {Group} at {Bootstrap}", _clientId, _settings.ConsumerGroup, _bootstrap);

        var interval = TimeSpan.FromMilliseconds(_settings.FlushIntervalMs);
        var intervalTicks = (long)(interval.TotalSeconds * _clock.TimestampFrequency);
        var nextFlush = _clock.GetTimestamp() + intervalTicks;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (_rewindNeeded && !Rewind(stop)) continue;
                var wait = _clock.GetElapsedTime(_clock.GetTimestamp(), nextFlush);
                ConsumeResult<Ignore, byte[]>? result = null;
                try
                {
                    result = consumer.Consume(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                }
                catch (ConsumeException e) when (ConsumerGaps.IsOffsetReset(e.Error) && e.ConsumerRecord is not null)
                {
                    OnOffsetReset(consumer, e.ConsumerRecord.TopicPartition, e.Error.Reason);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _log.LogWarning("Consume error on {Partition}: {Reason}", e.ConsumerRecord?.TopicPartition, e.Error.Reason);
                }
                if (result is { Message: not null } && !_rewindNeeded)
                    _processor.Process(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Value);
                if (_clock.GetTimestamp() >= nextFlush || _processor.PendingMessages >= MaxPendingMessages)
                {
                    Flush("interval");
                    nextFlush = _clock.GetTimestamp() + intervalTicks;
                }
            }
        }
        catch
        {
            // A crash: nothing more may be committed, not even by the rebalance handlers that disposing may run; the
            // consumer is disposed without Close, so the group notices by session timeout and the next owner reads
            // again from the stored offsets what was not committed.
            _crashed = true;
            _log.LogWarning("Speed consumer {Client} stopping on a failure: {Messages} uncommitted message(s) dropped", _clientId, _processor.PendingMessages);
            throw;
        }

        Flush("shutdown");
        consumer.Close();
        _log.LogInformation("Speed consumer {Client} left group {Group}", _clientId, _settings.ConsumerGroup);
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<Ignore, byte[]> consumer, List<TopicPartition> partitions, CancellationToken stop)
    {
        var stored = WithRetry(() => _store.LoadCheckpoints(_settings.ConsumerGroup, partitions.Select(p => (p.Topic, p.Partition.Value)).ToList()), stop);
        var offsets = new List<TopicPartitionOffset>(partitions.Count);
        foreach (var tp in partitions)
        {
            Checkpoint? checkpoint = stored.TryGetValue((tp.Topic, tp.Partition.Value), out var c) ? c : null;
            offsets.Add(new TopicPartitionOffset(tp, new Offset(Resume(consumer, tp, checkpoint))));
        }
        _log.LogInformation("Assigned {Partitions}", string.Join(", ", offsets.Select(o => $"{o.Topic}[{o.Partition.Value}]@{o.Offset.Value}")));
        return offsets;
    }

    /// <summary>
    /// Takes a partition over from its checkpoint and returns the offset to read it from: the stored one (0 when none
    /// is stored), or the log's start when the log no longer holds it, the messages in between becoming a pending gap.
    /// </summary>
    private long Resume(IConsumer<Ignore, byte[]> consumer, TopicPartition tp, Checkpoint? checkpoint)
    {
        var expected = checkpoint?.NextOffset ?? ConsumerGaps.FirstOffset;
        var (logStart, logEnd) = ConsumerGaps.LogBounds(consumer, tp, _log);
        var resume = ConsumerGaps.Resume(tp.Topic, tp.Partition.Value, expected, logStart, logEnd, checkpoint is null ? GapKind.BeforeFirstRead : GapKind.LogStartPassed);
        if (resume.BeyondLogEnd)
            _log.LogError("The stored offset {Offset} of {Topic}[{Partition}] is beyond its log's end {End} (was the topic recreated or truncated?); reading it again from its start {Start}",
                expected, tp.Topic, tp.Partition.Value, logEnd, logStart);
        _processor.Assign(tp.Topic, tp.Partition.Value, checkpoint, resume.Gap is null ? resume.Offset : expected);
        if (resume.Gap is { } gap) _processor.RecordGap(gap);
        return resume.Offset;
    }

    /// <summary>
    /// A fetch of <paramref name="tp"/> failed out of range and librdkafka, told not to reset offsets, stopped the
    /// partition: the messages from the next expected offset up to the log's start are a gap; reading goes on from there.
    /// </summary>
    private void OnOffsetReset(IConsumer<Ignore, byte[]> consumer, TopicPartition tp, string reason)
    {
        if (_rewindNeeded)
        {
            // Everything is read again from the stored offsets anyway: restart the partition so that the rewind's seek works.
            ConsumerGaps.Restart(consumer, tp, Offset.Beginning.Value);
            return;
        }
        var expected = _processor.NextOffset(tp.Topic, tp.Partition.Value);
        if (expected == PartitionProgress.None) return; // not ours (any more)
        var (logStart, logEnd) = ConsumerGaps.LogBounds(consumer, tp, _log);
        var resume = ConsumerGaps.Resume(tp.Topic, tp.Partition.Value, expected, logStart, logEnd, GapKind.OffsetReset);
        if (resume.Gap is { } gap) _processor.RecordGap(gap);
        else if (resume.BeyondLogEnd)
        {
            _log.LogError("{Topic}[{Partition}] was read up to offset {Offset} but its log now ends at {End} (was the topic recreated or truncated?); reading it again from its start {Start}",
                tp.Topic, tp.Partition.Value, expected, logEnd, logStart);
            _processor.MoveTo(tp.Topic, tp.Partition.Value, resume.Offset);
        }
        _log.LogWarning("Fetching {Topic}[{Partition}] at offset {Offset} failed ({Reason}); reading on from {Resume}", tp.Topic, tp.Partition.Value, expected, reason, resume.Offset);
        ConsumerGaps.Restart(consumer, tp, resume.Offset);
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions, string how)
    {
        if (!_crashed) Flush(how);
        foreach (var tp in partitions) _processor.Remove(tp.Topic, tp.Partition.Value);
        _log.LogInformation("Partitions {How}: {Partitions}", how, string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
    }

    private void Flush(string why)
    {
        var batch = _processor.TakeBatch();
        if (batch is null) return;
        var messages = _processor.PendingMessages;
        var events = batch.Aggregates.Events;
        var late = batch.Aggregates.LateEvents;
        var dead = batch.DeadLetters.Count;
        var firstReason = dead > 0 ? batch.DeadLetters[0].Reason : null; // the batch's lists are cleared once committed
        var gaps = batch.Gaps.Count > 0 ? batch.Gaps.ToList() : null;
        var started = _clock.GetTimestamp();
        CommitOutcome outcome;
        try
        {
            outcome = _store.Commit(_settings.ConsumerGroup, batch);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            _log.LogError(e, "Flush ({Why}) of {Messages} message(s) failed; re-reading from the stored offsets", why, messages);
            _processor.Discard();
            _rewindNeeded = true;
            _metrics.Rewinds.Inc();
            return;
        }
        var elapsed = _clock.GetElapsedTime(started);
        if (outcome == CommitOutcome.Conflict)
        {
            _log.LogWarning("Flush ({Why}) refused: another consumer moved these partitions' offsets; re-reading from the stored offsets", why);
            _processor.Discard();
            _rewindNeeded = true;
            _metrics.Rewinds.Inc();
            return;
        }
        _processor.Committed();
        FlushCount++;
        _metrics.Flushes.Inc();
        _metrics.FlushSeconds.Inc(elapsed.TotalSeconds);
        _metrics.LastFlushSeconds.Set(elapsed.TotalSeconds);
        _metrics.Events.Inc(events);
        _metrics.LateEvents.Inc(late);
        _metrics.DeadLetters.Inc(dead);
        if (gaps is not null) _gaps.Recorded(gaps);
        if (dead > 0) _log.LogWarning("Stored {DeadLetters} dead letter(s), e.g. {Reason}", dead, firstReason);
        if (late > 0) _log.LogInformation("Counted {Late} event(s) beyond the allowed lateness of {Lateness} s as late", late, _settings.AllowedLatenessSeconds);
        _log.LogDebug("Flushed ({Why}) {Messages} message(s) in {ElapsedMs:F1} ms", why, messages, elapsed.TotalMilliseconds);
        Report(messages);
    }

    private void Report(int messages)
    {
        _sinceReport += messages;
        var seconds = _reportClock.Elapsed.TotalSeconds;
        if (seconds < 1) return;
        var rate = _sinceReport / seconds;
        _metrics.EventsPerSecond.Set(rate);
        long totalLag = 0;
        if (_consumer is not null)
            foreach (var (topic, partition) in _processor.Partitions)
            {
                var high = _consumer.GetWatermarkOffsets(new TopicPartition(topic, partition)).High;
                var next = _processor.NextOffset(topic, partition);
                if (high == Offset.Unset) continue;
                var lag = Math.Max(0, high.Value - Math.Max(0, next));
                _metrics.Lag(topic, partition).Set(lag);
                totalLag += lag;
            }
        if (seconds >= 10)
            _log.LogInformation("Speed layer: {Rate:F0} messages/s, lag {Lag} message(s), {Flushes} flush(es), last flush {FlushMs:F1} ms",
                rate, totalLag, FlushCount, _metrics.LastFlushSeconds.Value * 1000);
        _sinceReport = 0;
        _reportClock.Restart();
    }

    /// <summary>Seeks every owned partition back to its stored offset after a refused or failed flush.</summary>
    private bool Rewind(CancellationToken stop)
    {
        var consumer = _consumer!;
        try
        {
            var assigned = consumer.Assignment;
            var stored = _store.LoadCheckpoints(_settings.ConsumerGroup, assigned.Select(p => (p.Topic, p.Partition.Value)).ToList());
            foreach (var tp in assigned)
            {
                Checkpoint? checkpoint = stored.TryGetValue((tp.Topic, tp.Partition.Value), out var c) ? c : null;
                var offset = Resume(consumer, tp, checkpoint);
                try { consumer.Seek(new TopicPartitionOffset(tp, new Offset(offset))); }
                catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_State)
                {
                    ConsumerGaps.Restart(consumer, tp, offset); // stopped by an out-of-range fetch not yet consumed: no seek then
                }
            }
            _rewindNeeded = false;
            _log.LogInformation("Re-reading {Count} partition(s) from their stored offsets", assigned.Count);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or KafkaException or InvalidOperationException)
        {
            _log.LogWarning("Could not rewind yet ({Reason}); retrying", e.Message);
            stop.WaitHandle.WaitOne(500); // back off: the store or the broker is unavailable
            return false;
        }
    }

    private T WithRetry<T>(Func<T> action, CancellationToken stop)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return action(); }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && attempt < 30 && !stop.IsCancellationRequested)
            {
                _log.LogWarning("Reading stored offsets failed ({Reason}); retrying", e.Message);
                stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }
    }
}
