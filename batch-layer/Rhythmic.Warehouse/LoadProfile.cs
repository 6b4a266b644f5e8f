using System.Collections.Concurrent;
using System.Diagnostics;

namespace Rhythmic.Warehouse;

/// <summary>
/// Wall time per load step (Parquet decoding, COPY, each SQL model), summed over a process's loads, so the benchmark
/// can print where a load's time goes. Cheap enough to stay on: one stopwatch read per step.
/// </summary>
internal static class LoadProfile
{
    private static readonly ConcurrentDictionary<string, long> Ticks = new();

    /// <summary>Adds the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) to <paramref name="step"/>.</summary>
    public static void Add(string step, long startTimestamp)
        => Ticks.AddOrUpdate(step, Stopwatch.GetTimestamp() - startTimestamp, (_, t) => t + Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>The steps and their seconds, in first-seen order of name, then resets.</summary>
    public static IReadOnlyList<(string Step, double Seconds)> TakeSnapshot()
    {
        var snapshot = Ticks.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, p.Value / (double)Stopwatch.Frequency)).ToList();
        Ticks.Clear();
        return snapshot;
    }
}
