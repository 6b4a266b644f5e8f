using System.Text.Json;
using Rhythmic.Core.Events;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Tests;

/// <summary>A simulated event parsed for assertions.</summary>
internal sealed record Ev(string Topic, string Key, JsonElement Json, long Ts)
{
    public long SessionId => Json.GetProperty("sessionId").GetInt64();
    public long? UserId => Json.TryGetProperty("userId", out var u) ? u.GetInt64() : null;
    public string? Page => Json.TryGetProperty("page", out var p) ? p.GetString() : null;
    public string? Auth => Json.TryGetProperty("auth", out var a) ? a.GetString() : null;
    public string Level => Json.GetProperty("level").GetString()!;
    public int Item => Json.GetProperty("itemInSession").GetInt32();

    public static List<Ev> Parse(MemorySink sink)
        => sink.Events.Select(e => new Ev(e.Topic, e.Key, JsonDocument.Parse(e.Json).RootElement.Clone(), e.TimestampMs)).ToList();
}

/// <summary>One larger run shared by the invariant and statistical tests (simulated once per test process).</summary>
internal static class SharedRun
{
    public static readonly DateTimeOffset From = Sim.Start;
    public const int Days = 14;

    private static readonly Lazy<Task<(SimulationSummary Summary, List<Ev> Events)>> Run = new(async () =>
    {
        var sink = new MemorySink();
        var options = Sim.Options(users: 1500, days: Days, seed: 11, growth: 10, attrition: 0.5);
        var summary = await new Simulation(options).RunAsync(sink, CancellationToken.None);
        return (summary, Ev.Parse(sink));
    });

    public static Task<(SimulationSummary Summary, List<Ev> Events)> GetAsync() => Run.Value;

    public static IEnumerable<Ev> PageViews(this IEnumerable<Ev> events) => events.Where(e => e.Topic == Topics.PageView);
}
