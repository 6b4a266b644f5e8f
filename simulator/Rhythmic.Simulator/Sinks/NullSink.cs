using Rhythmic.Core.Events;

namespace Rhythmic.Simulator.Sinks;

/// <summary>Discards events (benchmarks), counting them and their bytes.</summary>
public sealed class NullSink : IEventSink
{
    /// <summary>Events written.</summary>
    public long Events { get; private set; }
    /// <summary>JSON bytes written.</summary>
    public long Bytes { get; private set; }

    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        Events++;
        Bytes += json.Length;
    }

    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
