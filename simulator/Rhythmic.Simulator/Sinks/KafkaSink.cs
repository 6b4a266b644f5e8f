using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Core.Observability;

namespace Rhythmic.Simulator.Sinks;

/// <summary>
/// Produces each event to its topic, keyed by userId (or sessionId for guests) so one user's events stay ordered in
/// one partition. A failed delivery is logged, counted and produced again (up to <see cref="MaxAttempts"/> times);
/// <see cref="FlushAsync"/> waits for every acknowledgement and throws if any message could not be delivered.
/// Given a <see cref="ProducerHoldBack"/>, it pauses while the platform's consumers lag too far behind for the
/// cluster's retention, instead of pushing unread messages out of it.
/// </summary>
public sealed class KafkaSink : IEventSink
{
    /// <summary>Deliveries tried per message before it counts as failed.</summary>
    public int MaxAttempts { get; init; } = 10;

    private readonly IProducer<byte[], byte[]> _producer;
    private readonly ILogger _logger;
    private readonly ProducerHoldBack? _holdBack;
    private readonly ConcurrentQueue<(string Topic, byte[] Key, byte[] Value, long TimestampMs, int Attempt)> _retries = new();
    private readonly Counter _produced = MetricsRegistry.Default.Counter("rhythmic_simulator_produced_total", "Events acknowledged by Kafka.");
    private readonly Counter _retried = MetricsRegistry.Default.Counter("rhythmic_simulator_delivery_retries_total", "Kafka deliveries that failed and were retried.");
    private readonly Counter _failedMetric = MetricsRegistry.Default.Counter("rhythmic_simulator_delivery_failures_total", "Events Kafka never acknowledged.");
    private long _pending;
    private long _failed;
    private long _acknowledged;
    private long _retriedCount;
    private string? _lastError;

    /// <summary>
    /// A sink producing to <paramref name="bootstrapServers"/> with the platform's producer settings
    /// (<see cref="KafkaClients.Producer"/>), held back by <paramref name="holdBack"/> (which it then owns) if given.
    /// </summary>
    public KafkaSink(string bootstrapServers, ILogger? logger = null, Action<ProducerConfig>? configure = null, string clientId = "rhythmic-simulator",
        ProducerHoldBack? holdBack = null)
    {
        _holdBack = holdBack;
        KafkaNative.EnsureLoaded();
        var config = KafkaClients.Producer(bootstrapServers, clientId);
        configure?.Invoke(config);
        _logger = logger ?? NullLogger.Instance;
        _producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, e) => _logger.LogWarning("Kafka producer error: {Reason} ({Code})", e.Reason, e.Code))
            .Build();
    }

    /// <summary>Messages acknowledged so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);
    /// <summary>Deliveries that failed and were produced again.</summary>
    public long Retried => Interlocked.Read(ref _retriedCount);
    /// <summary>Messages given up after <see cref="MaxAttempts"/> failed deliveries.</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Messages produced but not yet acknowledged or failed.</summary>
    public long Pending => Interlocked.Read(ref _pending);
    /// <summary>Whether the producer is held back now (consumers too far behind for the retention).</summary>
    public bool IsHeldBack => _holdBack?.IsHeld ?? false;

    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        _holdBack?.WaitWhileHeld();
        DrainRetries();
        Produce(topic, key.ToArray(), json.ToArray(), timestampMs, 1);
    }

    private void Produce(string topic, byte[] key, byte[] value, long timestampMs, int attempt)
    {
        var message = new Message<byte[], byte[]> { Key = key, Value = value, Timestamp = new Timestamp(timestampMs, TimestampType.CreateTime) };
        Interlocked.Increment(ref _pending);
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, r => OnDelivery(r, timestampMs, attempt));
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Back-pressure: let deliveries complete, then try again.
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
            catch
            {
                Interlocked.Decrement(ref _pending);
                throw;
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> report, long timestampMs, int attempt)
    {
        if (report.Error.IsError)
        {
            _lastError = $"{report.Error.Reason} ({report.Error.Code})";
            if (attempt < MaxAttempts)
            {
                Interlocked.Increment(ref _retriedCount);
                _retried.Inc();
                _logger.LogWarning("Delivery to {Topic} failed (attempt {Attempt}): {Error}; producing it again", report.Topic, attempt, _lastError);
                _retries.Enqueue((report.Topic, report.Message.Key, report.Message.Value, timestampMs, attempt + 1));
            }
            else
            {
                Interlocked.Increment(ref _failed);
                _failedMetric.Inc();
                _logger.LogError("Delivery to {Topic} failed {Attempts} times, giving up on the message: {Error}", report.Topic, attempt, _lastError);
            }
        }
        else
        {
            Interlocked.Increment(ref _acknowledged);
            _produced.Inc();
            _holdBack?.Delivered(report.Topic, report.Partition.Value, report.Message.Key?.Length ?? 0, report.Message.Value?.Length ?? 0);
        }
        Interlocked.Decrement(ref _pending);
    }

    private void DrainRetries()
    {
        while (_retries.TryDequeue(out var r)) Produce(r.Topic, r.Key, r.Value, r.TimestampMs, r.Attempt);
    }

    /// <summary>Waits until every message written is acknowledged (retrying failed deliveries); throws if some could not be delivered.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await Task.Run(() =>
        {
            while (true)
            {
                DrainRetries();
                if (Interlocked.Read(ref _pending) == 0 && _retries.IsEmpty) break;
                ct.ThrowIfCancellationRequested();
                _producer.Flush(TimeSpan.FromMilliseconds(200));
            }
        }, ct);
        var failed = Interlocked.Read(ref _failed);
        if (failed > 0)
            throw new RhythmicException($"{failed} event(s) could not be delivered to Kafka after {MaxAttempts} attempts each (last error: {_lastError}).");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await FlushAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or RhythmicException)
        {
            _logger.LogError("Closing the Kafka sink with {Pending} event(s) unacknowledged and {Failed} failed: {Error}", Pending, Failed, e.Message);
        }
        finally
        {
            _producer.Dispose();
            if (_holdBack is not null) await _holdBack.DisposeAsync();
        }
    }
}
