using System.Diagnostics;
using Rhythmic.Core.Events;
using Rhythmic.Simulator;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Bench;

/// <summary>One measured simulator run.</summary>
public sealed record SimulatorBenchResult(string Sink, int Workers, long Events, long Bytes, double Seconds)
{
    public double EventsPerSecond => Events / Seconds;
    public double EventsPerSecondPerCore => EventsPerSecond / Workers;
    public double MegabytesPerSecond => Bytes / Seconds / 1e6;
}

/// <summary>
/// <c>rhythmic bench simulate</c>: events generated and serialized to JSON per second, into the null sink and into
/// JSON-lines files, on one core and on all cores.
/// </summary>
public static class SimulatorBench
{
    public static readonly DateTimeOffset From = new(2024, 3, 4, 0, 0, 0, TimeSpan.Zero);

    public static async Task<IReadOnlyList<SimulatorBenchResult>> RunAsync(int users, double days, string scratchDir, Action<SimulatorBenchResult>? onResult, CancellationToken ct)
    {
        var results = new List<SimulatorBenchResult>();
        var cores = Environment.ProcessorCount;
        SimulationOptions Options(int workers) => new() { Users = users, From = From, To = From.AddDays(days), Seed = 1, Workers = workers };
        // Warm up the JIT and the built-in data once, outside the measurements.
        await new Simulation(Options(1) with { Users = Math.Min(users, 2000), To = From.AddHours(6) }).RunAsync(new NullSink(), ct);
        foreach (var workers in cores > 1 ? new[] { 1, cores } : [1])
        {
            var sink = new NullSink();
            var watch = Stopwatch.StartNew();
            var summary = await new Simulation(Options(workers)).RunAsync(sink, ct);
            Add(new SimulatorBenchResult("null", workers, summary.Events, sink.Bytes, watch.Elapsed.TotalSeconds));
        }
        foreach (var workers in cores > 1 ? new[] { 1, cores } : [1])
        {
            var dir = Path.Combine(scratchDir, $"simulate-bench-{workers}");
            var watch = Stopwatch.StartNew();
            SimulationSummary summary;
            await using (var sink = new JsonLinesSink(dir)) summary = await new Simulation(Options(workers)).RunAsync(sink, ct);
            var seconds = watch.Elapsed.TotalSeconds;
            var bytes = Topics.All.Sum(t => new FileInfo(Path.Combine(dir, t)).Length);
            Directory.Delete(dir, recursive: true);
            Add(new SimulatorBenchResult("json-lines files", workers, summary.Events, bytes, seconds));
        }
        return results;

        void Add(SimulatorBenchResult r)
        {
            results.Add(r);
            onResult?.Invoke(r);
        }
    }
}
