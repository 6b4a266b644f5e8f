namespace Rhythmic.Core.Events;

/// <summary>
/// Where generated events go: Kafka topics, JSON-lines files, the lake (history backfill) or nowhere (benchmarks).
/// The simulator writes every event through this seam as its eventsim-compatible JSON.
/// </summary>
public interface IEventSink : IAsyncDisposable
{
    /// <summary>
    /// Accepts one event: its topic, its Kafka key (userId, or sessionId for guests, as UTF-8 digits) and its JSON
    /// (one UTF-8 object, design.md §2). <paramref name="timestampMs"/> is the event's <c>ts</c>. Called by one thread at
    /// a time; the sink may buffer, but must not keep the spans after returning.
    /// </summary>
    void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs);

    /// <summary>Makes everything written so far durable (acknowledged by Kafka, flushed to disk, committed to the lake manifest).</summary>
    Task FlushAsync(CancellationToken ct);
}
