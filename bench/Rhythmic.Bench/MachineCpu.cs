using System.Diagnostics;
using System.Globalization;

namespace Rhythmic.Bench;

/// <summary>A reading of the machine's CPU counters (Linux /proc/stat, in clock ticks) and of this process's CPU time.</summary>
public readonly record struct CpuSample(long BusyTicks, long IdleTicks, TimeSpan ProcessCpu, long Timestamp);

/// <summary>
/// The CPU a measured span used: the machine's busy core-seconds (every process, PostgreSQL's and DuckDB's included) and
/// this process's share of them (the loader, which the warehouse benchmark runs in-process).
/// </summary>
public sealed record CpuUse(double WallSeconds, double BusyCoreSeconds, double ProcessCpuSeconds, int Cores)
{
    /// <summary>
    /// The rate <paramref name="events"/> would reach if the span's work kept every core busy: an upper bound for any
    /// scheduling of the same work on this machine, however well it overlapped client and server.
    /// </summary>
    public double BoundEventsPerSecond(long events) => events / (BusyCoreSeconds / Cores);
}

/// <summary>
/// Samples <see cref="CpuSample"/>s around a benchmark's spans, so its report can say whether a target is a matter of
/// overlapping work on idle cores or of doing less work. Linux only; elsewhere <see cref="Take"/> returns null.
/// </summary>
public static class MachineCpu
{
    /// <summary>Reads the counters now, or null where /proc/stat is not there.</summary>
    public static CpuSample? Take()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/stat")) return null;
        using var reader = new StreamReader("/proc/stat");
        var line = reader.ReadLine();
        if (line is null || ParseStatLine(line) is not { } ticks) return null;
        return new CpuSample(ticks.Busy, ticks.Idle, Environment.CpuUsage.TotalTime, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// The busy and idle ticks of /proc/stat's aggregate "cpu" line (user nice system idle iowait irq softirq steal ...):
    /// user, nice, system, irq and softirq are busy; idle, iowait and steal (time a hypervisor gave to another machine)
    /// ran nothing of ours. Guest time is already counted in user and nice, so it is not added again.
    /// </summary>
    public static (long Busy, long Idle)? ParseStatLine(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu") return null;
        var values = new long[8];
        for (var i = 0; i < values.Length && i + 1 < fields.Length; i++)
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out values[i])) return null;
        return (values[0] + values[1] + values[2] + values[5] + values[6], values[3] + values[4] + values[7]);
    }

    /// <summary>
    /// The CPU used between two samples. Busy core-seconds are the busy share of the ticks times the wall time and the
    /// cores, so the kernel's tick rate need not be known.
    /// </summary>
    public static CpuUse? Between(CpuSample? start, CpuSample? end, int cores)
    {
        if (start is not { } a || end is not { } b) return null;
        var wall = Stopwatch.GetElapsedTime(a.Timestamp, b.Timestamp).TotalSeconds;
        var busy = b.BusyTicks - a.BusyTicks;
        var total = busy + b.IdleTicks - a.IdleTicks;
        var busyShare = total <= 0 ? 0 : (double)busy / total;
        return new CpuUse(wall, busyShare * wall * cores, (b.ProcessCpu - a.ProcessCpu).TotalSeconds, cores);
    }
}
