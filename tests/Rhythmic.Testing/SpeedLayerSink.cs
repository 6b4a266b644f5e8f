using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer;
using Rhythmic.SpeedLayer.Store;

namespace Rhythmic.Testing;

/// <summary>
/// The speed layer without Kafka: each topic is one partition whose offsets count the events written, processed by
/// the speed layer's own <see cref="SpeedProcessor"/> and committed by its PostgreSQL store, as its consumer does.
/// </summary>
public sealed class SpeedLayerSink : IEventSink
{
    private readonly SpeedProcessor _processor;
    private readonly PostgresSpeedStore _store;
    private readonly Dictionary<string, long> _offsets = [];

    /// <summary>A sink into the speed view of <paramref name="connectionString"/>'s database, with <paramref name="settings"/> (lateness).</summary>
    public SpeedLayerSink(string connectionString, SpeedSettings? settings = null)
    {
        _processor = new SpeedProcessor(settings ?? new SpeedSettings());
        _store = new PostgresSpeedStore(TestPostgres.DataSource(connectionString));
        foreach (var topic in Topics.All) _processor.Assign(topic, 0, null, start: 0);
    }

    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        var offset = _offsets.GetValueOrDefault(topic);
        if (!_processor.Process(topic, 0, offset, json)) throw new InvalidOperationException($"the speed processor skipped {topic} offset {offset}");
        _offsets[topic] = offset + 1;
        if (_processor.PendingMessages >= 20_000) Commit();
    }

    public Task FlushAsync(CancellationToken ct)
    {
        Commit();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Commit();
        return ValueTask.CompletedTask;
    }

    private void Commit()
    {
        if (_processor.TakeBatch() is not { } batch) return;
        var outcome = _store.Commit(new SpeedSettings().ConsumerGroup, batch);
        if (outcome != CommitOutcome.Committed) throw new InvalidOperationException($"the speed store refused a batch: {outcome}");
        _processor.Committed();
    }
}

/// <summary>Writes every event to two sinks (flushing and disposing both).</summary>
public sealed class TeeSink(IEventSink a, IEventSink b) : IEventSink
{
    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        a.Write(topic, key, json, timestampMs);
        b.Write(topic, key, json, timestampMs);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        await a.FlushAsync(ct);
        await b.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await a.DisposeAsync();
        await b.DisposeAsync();
    }
}
