using System.CommandLine;
using System.Globalization;
using Rhythmic.Bench;
using Rhythmic.Cli.Output;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench simulate</c>: the simulator's events per second into the null sink and JSON-lines files, one core and all cores.</summary>
internal static class BenchSimulate
{
    public static Command Create()
    {
        var users = new Option<int>("--nusers") { Description = "Users simulated.", DefaultValueFactory = _ => 200_000 };
        var days = new Option<double>("--days") { Description = "Simulated days.", DefaultValueFactory = _ => 3 };
        var command = new Command("simulate", "Simulator throughput: events generated and serialized to JSON per second (null sink, JSON-lines files; one core, all cores).");
        var json = TableOutput.JsonOption();
        command.Options.Add(json);
        command.Options.Add(users);
        command.Options.Add(days);
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(users);
            var d = parse.GetValue(days);
            var table = new TableOutput("sink", "cores", "events", "seconds", "events/s", "events/s/core", "MB/s");
            var scratch = Directory.CreateTempSubdirectory("rhythmic-bench-").FullName;
            try
            {
                await SimulatorBench.RunAsync(n, d, scratch, r =>
                    table.Row(r.Sink, r.Workers.ToString(CultureInfo.InvariantCulture), r.Events.ToString("N0", CultureInfo.InvariantCulture),
                        r.Seconds.ToString("F2", CultureInfo.InvariantCulture), r.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                        r.EventsPerSecondPerCore.ToString("N0", CultureInfo.InvariantCulture), r.MegabytesPerSecond.ToString("F0", CultureInfo.InvariantCulture)), ct);
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
            var mode = TableOutput.ModeOf(parse.GetValue(json));
            table.Write(mode);
            var notes = mode == OutputMode.Json ? Console.Error : Console.Out; // stdout holds the JSON alone
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"command: rhythmic bench simulate --nusers {n} --days {d}   ({Environment.ProcessorCount} cores; events = messages on all four topics)"));
            return 0;
        });
        return command;
    }
}
