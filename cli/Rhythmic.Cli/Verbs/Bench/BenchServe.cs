using System.CommandLine;
using System.Globalization;
using Rhythmic.Bench;
using Rhythmic.Cli.Output;
using Spectre.Console;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench serve</c>: requests/s and p50/p99 of the serving API under bounded loopback load, PostgreSQL side by side.</summary>
internal static class BenchServe
{
    public static Command Create()
    {
        var defaults = new ServeBenchOptions();
        var users = new Option<int>("--nusers") { Description = "Users of the simulated month.", DefaultValueFactory = _ => defaults.Users };
        var days = new Option<int>("--days") { Description = "Simulated days (the warehouse holds them but the last hours).", DefaultValueFactory = _ => defaults.Days };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients of each scenario.", DefaultValueFactory = _ => defaults.Clients };
        var seconds = new Option<int>("--seconds") { Description = "Seconds each scenario runs.", DefaultValueFactory = _ => defaults.Seconds };
        var command = new Command("serve", "Serving API: requests/s and p50/p99 latency of /api/live and /api/history over a month (day and hour grain) " +
            "under bounded loopback load, with the same SQL run straight on PostgreSQL side by side.");
        var json = TableOutput.JsonOption();
        command.Options.Add(json);
        foreach (var o in new Option[] { users, days, clients, seconds }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var o = new ServeBenchOptions { Users = parse.GetValue(users), Days = parse.GetValue(days), Clients = parse.GetValue(clients), Seconds = parse.GetValue(seconds) };
            if (o.Clients is < 1 or > 1000) throw new Rhythmic.Core.RhythmicException($"--clients must be between 1 and 1000 (got {o.Clients}).");
            if (o.Seconds is < 1 or > 600) throw new Rhythmic.Core.RhythmicException($"--seconds must be between 1 and 600 (got {o.Seconds}).");
            if (o.Days is < 1 or > 400) throw new Rhythmic.Core.RhythmicException($"--days must be between 1 and 400 (got {o.Days}).");
            if (o.Users < 1) throw new Rhythmic.Core.RhythmicException($"--nusers must be at least 1 (got {o.Users}).");
            var mode = TableOutput.ModeOf(parse.GetValue(json));
            var notes = mode == OutputMode.Json ? Console.Error : Console.Out; // stdout holds the JSON alone
            var figures = await ServeBench.RunAsync(o, m =>
            {
                if (mode == OutputMode.Terminal) AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]");
                else notes.WriteLine(m);
            }, ct);
            var table = new TableOutput("scenario", "requests/s", "p50 ms", "p99 ms", "max ms", "errors", "PostgreSQL alone: requests/s, p99 ms", "target");
            foreach (var f in figures)
                table.Row(f.Scenario, F(f.PerSecond, "N0"), F(f.P50Ms, "F1"), F(f.P99Ms, "F1"), F(f.MaxMs, "F1"), f.Errors.ToString(CultureInfo.InvariantCulture),
                    f.DirectPerSecond is { } d ? $"{F(d, "N0")}, {F(f.DirectP99Ms!.Value, "F1")} (API/PostgreSQL throughput {f.PerSecond / d:F2}x)" : "-",
                    $"{f.Target}: {(f.Met == true ? "met" : "not met")}");
            table.Write(mode);
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"command: rhythmic bench serve --nusers {o.Users} --days {o.Days} --clients {o.Clients} --seconds {o.Seconds}   ({Environment.ProcessorCount} cores; server, clients and PostgreSQL share them)"));
            return figures.All(f => f.Errors == 0) ? 0 : 1;
        });
        return command;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
