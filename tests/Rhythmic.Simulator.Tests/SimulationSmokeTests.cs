using System.Text.Json;
using Rhythmic.Core.Events;
using Rhythmic.Simulator;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Tests;

public sealed class SimulationSmokeTests
{
    [Fact]
    public async Task A_day_of_two_hundred_users_writes_parseable_events_on_every_topic()
    {
        var sink = new MemorySink();
        var summary = await new Simulation(Sim.Options(users: 200, days: 2)).RunAsync(sink, CancellationToken.None);
        Assert.True(summary.Events > 1000, $"only {summary.Events} events");
        Assert.Equal(summary.Events, sink.Events.Count);
        foreach (var topic in Topics.All) Assert.Contains(sink.Events, e => e.Topic == topic);
        foreach (var e in sink.Events) using (JsonDocument.Parse(e.Json)) { }
    }
}
