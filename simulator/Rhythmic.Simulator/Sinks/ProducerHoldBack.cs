using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Kafka;

namespace Rhythmic.Simulator.Sinks;

/// <summary>
/// Keeps a producer from outrunning a cluster's retention: while the slowest platform consumer is more than
/// <see cref="HoldFraction"/> of the retention behind on some partition, <see cref="WaitWhileHeld"/> blocks the
/// producer; it resumes once every partition is back under <see cref="ResumeFraction"/>. The probe is read in the
/// background every <see cref="Interval"/>, so the producer's hot path only reads a flag. Without a probe, or while no
/// consumer has stored offsets, it warns once per partition that received more than the retention.
/// </summary>
public sealed class ProducerHoldBack : IAsyncDisposable
{
    /// <summary>Bytes a record costs in a log beyond its key and value (length, delta fields, header count; batch headers amortised).</summary>
    internal const int RecordOverheadBytes = 16;

    private readonly long _retentionBytes;
    private readonly IConsumerLagProbe? _probe;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _released = new(initialState: true);
    private readonly ConcurrentDictionary<(string Topic, int Partition), Delivery> _delivered = new();
    private readonly HashSet<(string, int)> _warnedFull = [];
    private readonly HashSet<(string, int, string)> _warnedLost = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startGate = new();
    private readonly CancellationToken _waitToken;
    private volatile Task? _loop;
    private volatile bool _held;
    private bool _probeFailed;

    /// <summary>
    /// Holds a producer back by <paramref name="probe"/> (or only warns, without one; it owns and disposes the probe)
    /// against <paramref name="retentionBytes"/> per partition; <paramref name="ct"/> ends a wait (Ctrl-C).
    /// </summary>
    public ProducerHoldBack(long retentionBytes, IConsumerLagProbe? probe, ILogger logger, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionBytes, 1);
        _retentionBytes = retentionBytes;
        _probe = probe;
        _logger = logger;
        _waitToken = ct;
    }

    /// <summary>Lag, as a share of the retention, at which the producer is held (the rest absorbs what is in flight between readings).</summary>
    public double HoldFraction { get; init; } = 0.5;
    /// <summary>Lag, as a share of the retention, under which every partition must be for the producer to resume.</summary>
    public double ResumeFraction { get; init; } = 0.25;
    /// <summary>How often the probe is read.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether the producer is being held back now.</summary>
    public bool IsHeld => _held;
    /// <summary>The retention the producer is held against, per partition.</summary>
    public long RetentionBytes => _retentionBytes;

    /// <summary>Blocks while the producer is held back; cheap (a flag) otherwise.</summary>
    public void WaitWhileHeld()
    {
        EnsureStarted();
        if (_held) _released.Wait(_waitToken);
    }

    /// <summary>
    /// Counts a record the cluster acknowledged into a partition (on the client's delivery thread, off the producer's
    /// path): the mean size per topic turns a lag in messages into bytes.
    /// </summary>
    public void Delivered(string topic, int partition, int keyBytes, int valueBytes)
    {
        var d = _delivered.GetOrAdd((topic, partition), _ => new Delivery());
        Interlocked.Increment(ref d.Messages);
        Interlocked.Add(ref d.Bytes, keyBytes + valueBytes + RecordOverheadBytes);
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startGate) _loop ??= Task.Run(() => LoopAsync(_stop.Token));
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do await CheckAsync(ct);
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>One reading of the probe: hold, resume, or warn.</summary>
    private async Task CheckAsync(CancellationToken ct)
    {
        IReadOnlyList<PartitionLag> lags = [];
        if (_probe is not null)
        {
            try
            {
                lags = await _probe.ReadAsync(ct);
                if (_probeFailed) _logger.LogInformation("The consumer lag probe answers again");
                _probeFailed = false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // A probe that cannot answer must not hold the producer forever: fall back to warning (below).
                if (!_probeFailed) _logger.LogWarning("Cannot read the consumers' lag ({Error}): the producer is not held back until it can", e.Message);
                _probeFailed = true;
                lags = [];
            }
        }

        var meanBytes = MeanRecordBytesByTopic();
        var worst = (Lag: default(PartitionLag), Bytes: -1L);
        foreach (var lag in lags)
        {
            if (lag.Lost && _warnedLost.Add((lag.Topic, lag.Partition, lag.SlowestGroup)))
                _logger.LogError("Consumer group {Group} has lost messages on {Topic}[{Partition}]: it is at offset {Next} but the log now starts at {Start} (retention {RetentionMB} MB per partition)",
                    lag.SlowestGroup, lag.Topic, lag.Partition, lag.SlowestNextOffset, lag.LogStartOffset, Mb(_retentionBytes));
            var bytes = meanBytes.TryGetValue(lag.Topic, out var mean) ? (long)(lag.Messages * mean) : 0;
            if (bytes > worst.Bytes) worst = (lag, bytes);
        }

        if (lags.Count == 0) WarnWhereFull();
        if (!_held && worst.Bytes > HoldFraction * _retentionBytes)
        {
            _released.Reset();   // before the flag: a producer that sees the flag must find the gate closed
            _held = true;
            _logger.LogWarning("Holding the producer back: consumers are {LagMB} MB behind on {Topic}[{Partition}] (group {Group}), retention is {RetentionMB} MB",
                Mb(worst.Bytes), worst.Lag.Topic, worst.Lag.Partition, worst.Lag.SlowestGroup, Mb(_retentionBytes));
        }
        else if (_held && worst.Bytes < ResumeFraction * _retentionBytes)
        {
            _held = false;
            _released.Set();
            _logger.LogInformation("Resuming the producer: consumers are at most {LagMB} MB behind, retention is {RetentionMB} MB",
                Mb(Math.Max(0, worst.Bytes)), Mb(_retentionBytes));
        }
    }

    /// <summary>The mean size of a record delivered to each topic.</summary>
    private Dictionary<string, double> MeanRecordBytesByTopic()
        => _delivered.GroupBy(d => d.Key.Topic, StringComparer.Ordinal)
            .Select(g => (Topic: g.Key, Messages: g.Sum(d => Interlocked.Read(ref d.Value.Messages)), Bytes: g.Sum(d => Interlocked.Read(ref d.Value.Bytes))))
            .Where(t => t.Messages > 0)
            .ToDictionary(t => t.Topic, t => (double)t.Bytes / t.Messages, StringComparer.Ordinal);

    /// <summary>Nothing tells the consumers' lag: say so for each partition that received more than the retention.</summary>
    private void WarnWhereFull()
    {
        foreach (var (tp, delivery) in _delivered)
        {
            var bytes = Interlocked.Read(ref delivery.Bytes);
            if (bytes <= _retentionBytes || !_warnedFull.Add(tp)) continue;
            _logger.LogWarning("{Topic}[{Partition}] has received {ProducedMB} MB, more than the {RetentionMB} MB a partition keeps, and no consumer has stored offsets to hold the producer back by: a consumer that has not read the oldest messages yet will miss them",
                tp.Topic, tp.Partition, Mb(bytes), Mb(_retentionBytes));
        }
    }

    private static double Mb(long bytes) => Math.Round(bytes / (double)(1 << 20), 1);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _released.Set();
        _stop.Dispose();
        if (_probe is IAsyncDisposable ad) await ad.DisposeAsync();
        else if (_probe is IDisposable d) d.Dispose();
    }

    private sealed class Delivery
    {
        public long Messages;
        public long Bytes;
    }
}
