using Rhythmic.Core.Events;

namespace Rhythmic.Simulator.Sinks;

/// <summary>
/// One simulation, two destinations: every event before <see cref="SwitchMs"/> goes to the history sink (the lake),
/// every later one to the live sink (Kafka). The simulator writes in time order, so the first live event means the
/// history is whole: the history sink is flushed and disposed right then, before that event goes anywhere, and
/// <see cref="HistoryDone"/> completes. One world, split at one instant: no event in both, none in neither.
/// </summary>
public sealed class HistoryThenLiveSink(IEventSink history, IEventSink live, long switchMs) : IEventSink
{
    private readonly TaskCompletionSource<long> _historyDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IEventSink? _history = history;

    /// <summary>The first instant (epoch ms) that goes live.</summary>
    public long SwitchMs => switchMs;

    /// <summary>Events written to the history sink.</summary>
    public long HistoryEvents { get; private set; }

    /// <summary>Completes (with the history's event count) once the history is flushed; faults if flushing it failed.</summary>
    public Task<long> HistoryDone => _historyDone.Task;

    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        if (timestampMs < switchMs)
        {
            if (_history is null)
                throw new InvalidOperationException($"An event at {timestampMs} came after the switch to live at {switchMs}: the simulator must write in time order.");
            _history.Write(topic, key, json, timestampMs);
            HistoryEvents++;
            return;
        }
        if (_history is not null) CloseHistoryAsync(CancellationToken.None).GetAwaiter().GetResult();
        live.Write(topic, key, json, timestampMs);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        if (_history is not null) await _history.FlushAsync(ct);
        await live.FlushAsync(ct);
    }

    /// <summary>Flushes and disposes the history sink (the simulator has passed the switch, or stops before it).</summary>
    public async Task CloseHistoryAsync(CancellationToken ct)
    {
        if (_history is not { } h) return;
        _history = null;
        try
        {
            await h.FlushAsync(ct);
            await h.DisposeAsync();
            _historyDone.TrySetResult(HistoryEvents);
        }
        catch (Exception e)
        {
            _historyDone.TrySetException(e);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_history is { } h)
        {
            _history = null;
            await h.DisposeAsync();
            _historyDone.TrySetCanceled();
        }
        await live.DisposeAsync();
    }
}
