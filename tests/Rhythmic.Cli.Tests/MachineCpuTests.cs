using System.Diagnostics;
using Rhythmic.Bench;

namespace Rhythmic.Cli.Tests;

/// <summary>The benchmarks' CPU accounting: /proc/stat's aggregate line, and busy core-seconds without knowing the tick rate.</summary>
public sealed class MachineCpuTests
{
    [Fact]
    public void The_aggregate_line_splits_into_busy_and_idle_ticks()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice: steal ran another machine's work, and guest
        // is already inside user, so neither is busy.
        var ticks = MachineCpu.ParseStatLine("cpu  100 2 30 400 5 6 7 8 50 0");
        Assert.Equal((100L + 2 + 30 + 6 + 7, 400L + 5 + 8), ticks);
    }

    [Theory]
    [InlineData("cpu0 1 2 3 4 5 6 7 8")]
    [InlineData("intr 1 2 3 4 5")]
    [InlineData("cpu  1 2 x 4 5 6 7 8")]
    [InlineData("cpu  1 2")]
    public void Anything_but_the_aggregate_line_is_refused(string line) => Assert.Null(MachineCpu.ParseStatLine(line));

    [Fact]
    public void Busy_core_seconds_are_the_busy_share_of_the_wall_time_on_every_core()
    {
        var start = new CpuSample(1_000, 5_000, TimeSpan.FromSeconds(10), 0);
        // Two seconds later, on 2 cores: 300 of 400 ticks busy (whatever the tick rate), 1.5 s of it this process's.
        var end = new CpuSample(1_300, 5_100, TimeSpan.FromSeconds(11.5), 2 * Stopwatch.Frequency);
        var use = MachineCpu.Between(start, end, cores: 2)!;
        Assert.Equal(2.0, use.WallSeconds, 9);
        Assert.Equal(3.0, use.BusyCoreSeconds, 9);
        Assert.Equal(1.5, use.ProcessCpuSeconds, 9);
        // 600,000 events whose work took 3 core-seconds: at best 1.5 s on 2 cores, 400,000 events/s.
        Assert.Equal(400_000, use.BoundEventsPerSecond(600_000), 6);
    }

    [Fact]
    public void A_missing_sample_gives_no_figure() => Assert.Null(MachineCpu.Between(null, MachineCpu.Take(), cores: 2));

    [Fact]
    public void This_machine_reports_its_counters_and_they_only_grow()
    {
        // The platform runs on Linux (setup.sh is Debian's), so the counters must be there.
        var a = MachineCpu.Take()!.Value;
        var b = MachineCpu.Take()!.Value;
        Assert.True(a.BusyTicks > 0 && a.IdleTicks > 0 && a.ProcessCpu > TimeSpan.Zero);
        Assert.True(b.BusyTicks >= a.BusyTicks && b.IdleTicks >= a.IdleTicks && b.ProcessCpu >= a.ProcessCpu);
    }
}
