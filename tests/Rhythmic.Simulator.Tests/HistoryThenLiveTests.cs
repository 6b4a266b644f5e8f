using Rhythmic.Core.Events;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Tests;

/// <summary><c>rhythmic up</c>'s one world: history into the lake, the rest into Kafka, split at one instant.</summary>
public sealed class HistoryThenLiveTests
{
    private static readonly DateTimeOffset From = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Switch = From.AddDays(2);

    /// <summary>Records whether it was flushed and disposed before the live sink saw its first event.</summary>
    private sealed class HistorySpy(MemorySink live) : IEventSink
    {
        public MemorySink Events { get; } = new();
        public int LiveEventsWhenClosed { get; private set; } = -1;
        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs) => Events.Write(topic, key, json, timestampMs);
        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public ValueTask DisposeAsync()
        {
            LiveEventsWhenClosed = live.Events.Count;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task History_and_live_together_are_exactly_one_uninterrupted_simulation()
    {
        var options = new SimulationOptions { From = From, To = Switch.AddHours(3), Users = 300, Seed = 5, Workers = 1 };
        var whole = new MemorySink();
        await new Simulation(options).RunAsync(whole, default);

        var live = new MemorySink();
        var history = new HistorySpy(live);
        var split = new HistoryThenLiveSink(history, live, Switch.ToUnixTimeMilliseconds());
        await new Simulation(options).RunAsync(split, default);

        Assert.Equal(whole.Events.Count(e => e.TimestampMs < Switch.ToUnixTimeMilliseconds()), await split.HistoryDone);
        Assert.Equal(0, history.LiveEventsWhenClosed);
        Assert.All(history.Events.Events, e => Assert.True(e.TimestampMs < Switch.ToUnixTimeMilliseconds()));
        Assert.All(live.Events, e => Assert.True(e.TimestampMs >= Switch.ToUnixTimeMilliseconds()));
        Assert.NotEmpty(live.Events);
        Assert.Equal(whole.Events, history.Events.Events.Concat(live.Events));
    }

    [Fact]
    public async Task An_event_before_the_switch_after_going_live_is_refused_not_misfiled()
    {
        var live = new MemorySink();
        var split = new HistoryThenLiveSink(new MemorySink(), live, 1_000);
        split.Write("listen_events", "1"u8, "{}"u8, 999);
        split.Write("listen_events", "1"u8, "{}"u8, 1_000);
        Assert.Equal(1, await split.HistoryDone);
        Assert.Throws<InvalidOperationException>(() => split.Write("listen_events", "1"u8, "{}"u8, 998));
        Assert.Single(live.Events);
    }
}

/// <summary>A continuous run catching up from the past makes the same events as a history run of the same span.</summary>
public sealed class ContinuousCatchUpTests
{
    /// <summary>Keeps events before a cut and cancels the run once one at or after it arrives.</summary>
    private sealed class CutSink(long cutMs, CancellationTokenSource stop) : IEventSink
    {
        public MemorySink Before { get; } = new();
        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            if (timestampMs < cutMs) Before.Write(topic, key, json, timestampMs);
            else stop.Cancel();
        }
        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Catching_up_continuously_makes_the_events_a_history_run_makes()
    {
        var now = DateTimeOffset.UtcNow;
        var from = now.AddHours(-6);
        var cut = now.AddMinutes(-10);
        var history = new MemorySink();
        await new Simulation(new SimulationOptions { From = from, To = cut, Users = 400, Seed = 9, Workers = 1 }).RunAsync(history, default);

        using var stop = new CancellationTokenSource();
        var continuous = new CutSink(cut.ToUnixTimeMilliseconds(), stop);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new Simulation(new SimulationOptions { From = from, To = null, Continuous = true, Users = 400, Seed = 9, Workers = 1 }).RunAsync(continuous, stop.Token));

        Assert.NotEmpty(history.Events);
        Assert.Equal(history.Events, continuous.Before.Events);
    }
}
