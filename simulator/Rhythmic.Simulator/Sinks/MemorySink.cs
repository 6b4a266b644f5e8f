using System.Text;
using Rhythmic.Core.Events;

namespace Rhythmic.Simulator.Sinks;

/// <summary>One event as a sink saw it.</summary>
public sealed record SimulatedEvent(string Topic, string Key, string Json, long TimestampMs);

/// <summary>Keeps every event in memory, in order (tests and small tools).</summary>
public sealed class MemorySink : IEventSink
{
    private readonly List<SimulatedEvent> _events = [];

    /// <summary>Every event written so far, in order.</summary>
    public IReadOnlyList<SimulatedEvent> Events => _events;

    /// <summary>The events of one topic.</summary>
    public IEnumerable<SimulatedEvent> Of(string topic) => _events.Where(e => e.Topic == topic);

    /// <summary>(topic, json) pairs, in order.</summary>
    public IEnumerable<(string Topic, string Json)> Pairs => _events.Select(e => (e.Topic, e.Json));

    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        => _events.Add(new SimulatedEvent(topic, Encoding.UTF8.GetString(key), Encoding.UTF8.GetString(json), timestampMs));

    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
