using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Core.Observability;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Lake.Landing;

/// <summary>
/// Kafka to the lake, exactly once. Events are parsed, validated and buffered per (topic, partition, event-time hour);
/// a checkpoint writes every buffer as a Parquet file under a temporary name (durably), renames them all, then commits
/// their manifest rows, the partitions' next offsets, watermarks and dead letters in one PostgreSQL transaction. On
/// assignment a partition's uncommitted files are removed and consumption resumes at its stored offset, so a crash at
/// any point neither loses nor duplicates an event. Offsets the log no longer holds (retention passed the stored offset,
/// or passes the lander while it reads) and messages beyond the next expected offset are gaps, committed to
/// <c>ops.consumer_gaps</c> with the offsets that step over them, then logged and counted.
/// </summary>
public sealed class Lander(LanderOptions options, ILakeStorage storage, LakeManifest manifest, ILogger logger)
{
    private static readonly Counter Landed = MetricsRegistry.Default.Counter("rhythmic_lake_events_landed_total", "Events written to committed lake files.");
    private static readonly Counter Files = MetricsRegistry.Default.Counter("rhythmic_lake_files_committed_total", "Parquet files committed to the lake.");
    private static readonly Counter DeadLetters = MetricsRegistry.Default.Counter("rhythmic_lake_dead_letters_total", "Events the lander could not use.");
    private static readonly Gauge EventsPerSecond = MetricsRegistry.Default.Gauge("rhythmic_lake_events_per_second", "Events landed per second over the last idle tick.");

    private readonly EventParser _parser = new(options.Parser);
    private readonly EventRecord _record = new();
    private readonly Dictionary<(string Topic, int Partition), PartitionState> _partitions = [];
    private readonly Dictionary<(string Topic, int Partition, long Hour), PendingFile> _open = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly List<OffsetGap> _gaps = [];
    private readonly ConsumerGapReporter _gapReporter = new(MetricsRegistry.Default, options.ConsumerGroup, logger, options.Topics);
    private long _bufferedBytes;
    private long _dirtySinceTicks;
    private long _lastTickTicks = Environment.TickCount64;
    private long _landedAtLastTick;
    private long _newestTs = long.MinValue;     // the newest event time this lander has seen on any partition
    private volatile bool _crashed;
    private const int ProgressIntervalMs = 200;
    private long _progressAtTicks;
    private readonly RollPolicy _roll = new(options.RollBytes, options.RollAge, options.BacklogMessages);

    /// <summary>Told which partitions this lander owns and how far it has read (none by default).</summary>
    public ILanderWatcher? Watcher { get; init; }

    /// <summary>Events in committed files, since start.</summary>
    public long EventsCommitted { get; private set; }

    private sealed class PartitionState(long stored)
    {
        public long Stored = stored;        // the next offset in the manifest (-1: none), for fencing
        public long Next = stored;          // the next offset after what is buffered
        public long MaxTs = long.MinValue;
        public bool Dirty;
    }

    /// <summary>
    /// Binds the lake directory to the manifest (refusing, with a <see cref="Identity.LakeRootMismatchException"/>, a
    /// directory that is not the manifest's), then consumes until <paramref name="ct"/> is cancelled, lands what is
    /// buffered and leaves the group.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var binding = await Identity.LakeRootBinding.BindRootAsync(manifest, storage, ct);
        if (binding.MovedFrom is not null)
            logger.LogWarning("The lake {LakeId} moved from {From} to {Root}: the manifest follows it", binding.LakeId, binding.MovedFrom, binding.Root);
        await Task.Factory.StartNew(() => Run(ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken ct)
    {
        KafkaNative.EnsureLoaded();
        var config = KafkaClients.Consumer(options.BootstrapServers, options.ConsumerGroup, options.ClientId);
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((c, parts) => OnAssigned(c, parts))
            .SetPartitionsRevokedHandler((_, parts) => OnRevoked(parts.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, parts) => OnLost(parts.Select(p => p.TopicPartition)))
            .SetErrorHandler((_, e) => { if (!_crashed) logger.LogWarning("Kafka: {Reason}", e.Reason); })
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning && !_crashed) logger.LogDebug("librdkafka: {Message}", m.Message); })
            .Build();
        try
        {
            consumer.Subscribe(options.Topics);
            logger.LogInformation("Lander {Client} of group {Group} consuming {Topics} into {Lake}", options.ClientId, options.ConsumerGroup, options.Topics, storage.Location);
            while (!ct.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                try { result = consumer.Consume(TimeSpan.FromMilliseconds(100)); }
                catch (ConsumeException e) when (ConsumerGaps.IsOffsetReset(e.Error) && e.ConsumerRecord is not null)
                {
                    OnOffsetReset(consumer, e.ConsumerRecord.TopicPartition, e.Error.Reason);
                    continue;
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    logger.LogWarning("Consume failed: {Reason}", e.Error.Reason);
                    continue;
                }
                if (result is { IsPartitionEOF: false, Message: not null }) Handle(result);
                if (ShouldRoll(consumer)) Checkpoint();
                if (Environment.TickCount64 - _lastTickTicks >= options.RollAge.TotalMilliseconds) Tick(consumer);
            }
            Checkpoint();
            consumer.Close();
        }
        catch
        {
            // A crash: nothing more may be written or committed, not even by the rebalance handlers that closing runs.
            _crashed = true;
            logger.LogWarning("Lander {Client} stopping on a failure: buffered events are dropped and will be consumed again", options.ClientId);
            try { consumer.Close(); } catch (KafkaException) { }
            throw;
        }
    }

    private void Handle(ConsumeResult<byte[]?, byte[]?> r)
    {
        var key = (r.Topic, r.Partition.Value);
        if (!_partitions.TryGetValue(key, out var state)) return;   // not ours (any more)
        var offset = r.Offset.Value;
        if (offset != state.Next && state.Next >= 0)
        {
            if (offset < state.Next) return;                        // already landed
            RecordGap(state, ConsumerGaps.Jump(r.Topic, r.Partition.Value, state.Next, offset)!);
        }
        var value = r.Message.Value ?? [];
        if (_parser.TryParse(r.Topic, value, _record, out var reason))
        {
            var hour = LakeLayout.HourOf(_record.Ts);
            var fileKey = (r.Topic, r.Partition.Value, hour);
            if (!_open.TryGetValue(fileKey, out var file))
                _open[fileKey] = file = new PendingFile(r.Topic, r.Partition.Value, hour, options.RowGroupRows, options.Codec);
            file.Add(_record, r.Partition.Value, offset, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), value.Length);
            if (_record.Ts > state.MaxTs) state.MaxTs = _record.Ts;
            if (_record.Ts > _newestTs) _newestTs = _record.Ts;
        }
        else
        {
            _deadLetters.Add(DeadLetter.Of(r.Topic, r.Partition.Value, offset, DateTime.UtcNow, reason, value));
        }
        _bufferedBytes += value.Length;
        state.Next = offset + 1;
        state.Dirty = true;
        if (_dirtySinceTicks == 0) _dirtySinceTicks = Environment.TickCount64;
    }

    /// <summary>Whether to checkpoint now (<see cref="RollPolicy"/>); several times a second it also measures the lag and publishes <see cref="Positions"/>.</summary>
    private bool ShouldRoll(IConsumer<byte[]?, byte[]?> consumer)
    {
        var now = Environment.TickCount64;
        if (now - _progressAtTicks >= ProgressIntervalMs)
        {
            _progressAtTicks = now;
            RefreshProgress(consumer, now);
        }
        long? oldest = _dirtySinceTicks == 0 ? null : _dirtySinceTicks;
        if (!_roll.ShouldRoll(_bufferedBytes, oldest, now)) return false;
        // About to roll by age: a backlog that arrived since the last look must not be landed a roll age at a time.
        if (_roll.Behind || _bufferedBytes >= options.RollBytes || now == _progressAtTicks) return true;
        _progressAtTicks = now;
        RefreshProgress(consumer, now);
        return !_roll.Behind;
    }

    private void RefreshProgress(IConsumer<byte[]?, byte[]?> consumer, long now)
    {
        long lag = 0;
        var positions = Watcher is null ? null : new Dictionary<(string Topic, int Partition), long>(_partitions.Count);
        foreach (var ((topic, partition), state) in _partitions)
        {
            positions?.Add((topic, partition), state.Next);
            // The high watermark the consumer last heard from the broker: no request of its own.
            var high = consumer.GetWatermarkOffsets(new TopicPartition(topic, new Partition(partition))).High;
            if (high != Offset.Unset) lag += Math.Max(0, high.Value - Math.Max(0, state.Next));
        }
        if (positions is not null) Watcher!.Read(positions);
        if (!_roll.Observe(lag, now, _dirtySinceTicks != 0)) return;
        if (_roll.Behind)
            logger.LogInformation("Lander {Client} is {Lag} messages behind: a backlog, checkpointing at {RollBytes} bytes buffered only until it catches up", options.ClientId, lag, options.RollBytes);
        else
            logger.LogInformation("Lander {Client} caught up ({Lag} messages behind): landing what it buffered now", options.ClientId, lag);
    }

    /// <summary>
    /// Once per roll interval: publishes each partition's lag and, for partitions that are caught up and hold nothing
    /// unlanded, raises their watermark to the lander's own (the newest event time it has seen, less the allowed
    /// lateness). A quiet partition (a rare topic, a spare partition) would otherwise hold back every hour's
    /// completeness for ever; following the other partitions' event time, not the wall clock, keeps replays of history right.
    /// </summary>
    private void Tick(IConsumer<byte[]?, byte[]?> consumer)
    {
        var now = Environment.TickCount64;
        EventsPerSecond.Set((EventsCommitted - _landedAtLastTick) * 1000.0 / Math.Max(1, now - _lastTickTicks));
        _lastTickTicks = now;
        _landedAtLastTick = EventsCommitted;
        var commit = new LakeCommit();
        foreach (var ((topic, partition), state) in _partitions)
        {
            var high = consumer.GetWatermarkOffsets(new TopicPartition(topic, new Partition(partition))).High;
            if (high == Offset.Unset) continue;
            var lag = Math.Max(0, high.Value - Math.Max(0, state.Next));
            MetricsRegistry.Default.Gauge("rhythmic_lake_lag_messages", "Messages of a partition not yet landed.", ("topic", topic), ("partition", partition.ToString(System.Globalization.CultureInfo.InvariantCulture))).Set(lag);
            if (lag == 0 && !state.Dirty && _newestTs != long.MinValue)
                commit.Watermarks.Add(new WatermarkAdvance(topic, partition, _newestTs - (long)options.AllowedLateness.TotalMilliseconds));
        }
        if (commit.IsEmpty) return;
        manifest.CommitAsync(options.ConsumerGroup, commit).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Writes, publishes and commits everything buffered: every file is encoded (on all cores), written under its
    /// temporary name and made durable (all together), renamed to its final name (each renamed directory synced once),
    /// then the manifest rows, offsets, watermarks and dead letters are committed in one transaction.
    /// </summary>
    private void Checkpoint()
    {
        if (_crashed || _partitions.Values.All(p => !p.Dirty)) return;
        var commit = new LakeCommit();
        var files = _open.Values.ToList();
        var finals = new string[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var final = LakeLayout.LandedFile(file.Topic, file.HourMs, file.Partition, file.FirstOffset, file.LastOffset);
            if (storage.Exists(final))
            {
                // Uncommitted files were removed at assignment, so this one is committed: the topic was recreated (an
                // embedded Kafka restarts its offsets at 0) and reuses offsets. Never replace landed events.
                var renamed = final[..^LakeLayout.FileSuffix.Length] + "-r" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + LakeLayout.FileSuffix;
                logger.LogWarning("{Path} is already in the lake (offsets restarted: was the topic recreated?); landing as {Renamed}", final, renamed);
                final = renamed;
            }
            finals[i] = final;
        }
        var contents = new ReadOnlyMemory<byte>[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => contents[i] = files[i].Finish());
        storage.WriteAllDurably(files.Select((_, i) => (finals[i] + LakeLayout.TempSuffix, contents[i])).ToList());
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            commit.Files.Add(new NewLakeFile(file.Topic, file.Partition, file.FirstOffset, file.LastOffset, file.HourMs, finals[i], file.Rows, contents[i].Length, "lander"));
        }
        storage.PublishAll(finals.Select(f => (f + LakeLayout.TempSuffix, f)).ToList());
        foreach (var ((topic, partition), state) in _partitions)
        {
            if (!state.Dirty) continue;
            commit.Offsets.Add(new OffsetAdvance(topic, partition, state.Next, state.Stored));
            if (state.MaxTs != long.MinValue)
                commit.Watermarks.Add(new WatermarkAdvance(topic, partition, state.MaxTs - (long)options.AllowedLateness.TotalMilliseconds));
        }
        commit.DeadLetters.AddRange(_deadLetters);
        commit.Gaps.AddRange(_gaps);
        manifest.CommitAsync(options.ConsumerGroup, commit).GetAwaiter().GetResult();
        foreach (var state in _partitions.Values)
        {
            if (!state.Dirty) continue;
            state.Stored = state.Next;
            state.Dirty = false;
        }
        var rows = commit.Files.Sum(f => f.RowCount);
        EventsCommitted += rows;
        Landed.Inc(rows);
        Files.Inc(commit.Files.Count);
        DeadLetters.Inc(commit.DeadLetters.Count);
        _gapReporter.Recorded(commit.Gaps);
        logger.LogDebug("Committed {Files} files ({Rows} events) and {DeadLetters} dead letters", commit.Files.Count, rows, commit.DeadLetters.Count);
        _open.Clear();
        _deadLetters.Clear();
        _gaps.Clear();
        _bufferedBytes = 0;
        _dirtySinceTicks = 0;
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> parts)
    {
        if (_crashed) return parts.Select(p => new TopicPartitionOffset(p, Offset.Unset));
        var stored = manifest.OffsetsAsync(options.ConsumerGroup).GetAwaiter().GetResult();
        var result = new List<TopicPartitionOffset>();
        foreach (var tp in parts)
        {
            RemoveUncommittedFiles(tp.Topic, tp.Partition.Value);
            var next = stored.TryGetValue((tp.Topic, tp.Partition.Value), out var o) ? o : -1;
            var state = new PartitionState(next);
            _partitions[(tp.Topic, tp.Partition.Value)] = state;
            result.Add(new TopicPartitionOffset(tp, new Offset(Resume(consumer, tp, state))));
        }
        logger.LogInformation("Lander {Client} assigned {Partitions}", options.ClientId, string.Join(", ", result.Select(r => $"{r.Topic}[{r.Partition.Value}]@{r.Offset}")));
        Watcher?.Owned(_partitions.Keys.ToArray());
        return result;
    }

    /// <summary>
    /// The offset to read a newly assigned partition from: the stored one (0 when none is stored), or the log's start
    /// when the log no longer holds it, the messages in between becoming a pending gap.
    /// </summary>
    private long Resume(IConsumer<byte[]?, byte[]?> consumer, TopicPartition tp, PartitionState state)
    {
        var expected = state.Stored >= 0 ? state.Stored : ConsumerGaps.FirstOffset;
        var (logStart, logEnd) = ConsumerGaps.LogBounds(consumer, tp, logger);
        var resume = ConsumerGaps.Resume(tp.Topic, tp.Partition.Value, expected, logStart, logEnd, state.Stored < 0 ? GapKind.BeforeFirstRead : GapKind.LogStartPassed);
        state.Next = expected;
        _gaps.RemoveAll(g => g.Topic == tp.Topic && g.Partition == tp.Partition.Value); // from an earlier ownership: found again if still there
        if (resume.Gap is { } gap) RecordGap(state, gap);
        else if (resume.BeyondLogEnd)
        {
            logger.LogError("The stored offset {Offset} of {Topic}[{Partition}] is beyond its log's end {End} (was the topic recreated or truncated?); landing it again from its start {Start}",
                expected, tp.Topic, tp.Partition.Value, logEnd, logStart);
            state.Next = resume.Offset;
        }
        return resume.Offset;
    }

    /// <summary>
    /// A fetch of <paramref name="tp"/> failed out of range and librdkafka, told not to reset offsets, stopped the
    /// partition: the messages from the next expected offset up to the log's start are a gap; landing goes on from there.
    /// </summary>
    private void OnOffsetReset(IConsumer<byte[]?, byte[]?> consumer, TopicPartition tp, string reason)
    {
        if (!_partitions.TryGetValue((tp.Topic, tp.Partition.Value), out var state)) return; // not ours (any more)
        var expected = Math.Max(0, state.Next);
        var (logStart, logEnd) = ConsumerGaps.LogBounds(consumer, tp, logger);
        var resume = ConsumerGaps.Resume(tp.Topic, tp.Partition.Value, expected, logStart, logEnd, GapKind.OffsetReset);
        if (resume.Gap is { } gap) RecordGap(state, gap);
        else if (resume.BeyondLogEnd)
        {
            logger.LogError("{Topic}[{Partition}] was landed up to offset {Offset} but its log now ends at {End} (was the topic recreated or truncated?); landing it again from its start {Start}",
                tp.Topic, tp.Partition.Value, expected, logEnd, logStart);
            state.Next = resume.Offset;
            state.Dirty = true;
        }
        logger.LogWarning("Fetching {Topic}[{Partition}] at offset {Offset} failed ({Reason}); landing on from {Resume}", tp.Topic, tp.Partition.Value, expected, reason, resume.Offset);
        ConsumerGaps.Restart(consumer, tp, resume.Offset);
    }

    /// <summary>Offsets the partition will never deliver: its next offset moves past them, committed with the gap at the next checkpoint.</summary>
    private void RecordGap(PartitionState state, OffsetGap gap)
    {
        _gaps.Add(gap);
        state.Next = gap.LastMissing + 1;
        state.Dirty = true;
        if (_dirtySinceTicks == 0) _dirtySinceTicks = Environment.TickCount64;
    }

    /// <summary>Files of a partition that no manifest row records: leftovers of a crash between write and commit.</summary>
    private void RemoveUncommittedFiles(string topic, int partition)
    {
        var committed = manifest.PathsAsync(topic, partition).GetAwaiter().GetResult();
        foreach (var path in storage.List(LakeLayout.TopicFolder(topic)))
        {
            if (!LakeLayout.IsPartitionFile(path, partition) || committed.Contains(path)) continue;
            logger.LogInformation("Removing {Path}: no manifest row records it (a lander stopped before committing it)", path);
            storage.Delete(path);
        }
    }

    private void OnRevoked(IEnumerable<TopicPartition> parts)
    {
        if (_crashed) return;
        Checkpoint();
        Forget(parts);
    }

    private void OnLost(IEnumerable<TopicPartition> parts)
    {
        if (_crashed) return;
        var lost = parts.Select(p => (p.Topic, p.Partition.Value)).ToHashSet();
        logger.LogWarning("Lander {Client} lost {Partitions}; their buffered events will be landed by the new owner", options.ClientId, lost);
        foreach (var key in _open.Keys.Where(k => lost.Contains((k.Topic, k.Partition))).ToList()) _open.Remove(key);
        _deadLetters.RemoveAll(d => lost.Contains((d.Topic, d.Partition)));
        _gaps.RemoveAll(g => lost.Contains((g.Topic, g.Partition)));
        Forget(parts);
    }

    private void Forget(IEnumerable<TopicPartition> parts)
    {
        foreach (var tp in parts) _partitions.Remove((tp.Topic, tp.Partition.Value));
        Watcher?.Owned(_partitions.Keys.ToArray());
    }
}
