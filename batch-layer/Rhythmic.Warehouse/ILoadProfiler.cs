using System.Diagnostics;

namespace Rhythmic.Warehouse;

/// <summary>
/// Where a load reports the wall time of each step (Parquet decoding, COPY, each SQL model); the benchmark supplies one
/// to print where a load's time goes. Loads run without one by default.
/// </summary>
public interface ILoadProfiler
{
    /// <summary>Adds <paramref name="elapsed"/> to <paramref name="step"/> (called from the load's threads, possibly at once).</summary>
    void Add(string step, TimeSpan elapsed);
}

/// <summary>The loads' one way to report a step: nothing when no profiler was supplied, one stopwatch read otherwise.</summary>
internal static class LoadProfilerExtensions
{
    /// <summary>Reports the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) as <paramref name="step"/>.</summary>
    public static void Add(this ILoadProfiler? profiler, string step, long startTimestamp)
        => profiler?.Add(step, Stopwatch.GetElapsedTime(startTimestamp));
}
