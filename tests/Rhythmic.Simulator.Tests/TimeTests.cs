using Rhythmic.Core;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Tests;

public sealed class TimeTests
{
    [Fact]
    public void A_start_far_in_the_future_is_an_error_not_a_sleep()
    {
        var future = DateTimeOffset.UtcNow.AddDays(30);
        var continuous = Assert.Throws<RhythmicException>(() => new Simulation(new SimulationOptions { Continuous = true, From = future, To = null }));
        Assert.Contains("future", continuous.Message);
        var history = Assert.Throws<RhythmicException>(() => new Simulation(new SimulationOptions { From = future, To = future.AddDays(1) }));
        Assert.Contains("future", history.Message);
    }

    [Fact]
    public void An_end_before_the_start_is_refused()
        => Assert.Throws<RhythmicException>(() => new Simulation(Sim.Options() with { To = Sim.Start.AddDays(-1) }));

    [Fact]
    public async Task Continuous_mode_catches_up_from_the_past_then_follows_the_clock_at_its_speed()
    {
        var now = DateTimeOffset.UtcNow;
        var sink = new MemorySink();
        var options = new SimulationOptions
        {
            Continuous = true, Users = 3000, From = now.AddHours(-2), To = now.AddMinutes(30), Speed = 3600, Seed = 5, Workers = 1,
        };
        await new Simulation(options).RunAsync(sink, CancellationToken.None);
        Assert.NotEmpty(sink.Events);
        Assert.All(sink.Events, e => Assert.InRange(e.TimestampMs, options.From.ToUnixTimeMilliseconds(), options.To!.Value.ToUnixTimeMilliseconds() - 1));
        Assert.Contains(sink.Events, e => e.TimestampMs > now.ToUnixTimeMilliseconds());
        Assert.Contains(sink.Events, e => e.TimestampMs < now.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Continuous_mode_stops_cleanly_when_cancelled()
    {
        var sink = new MemorySink();
        using var cts = new CancellationTokenSource();
        var run = new Simulation(new SimulationOptions { Continuous = true, Users = 1000, From = DateTimeOffset.UtcNow, To = null, Workers = 1 }).RunAsync(sink, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
