using System.CommandLine;
using System.Globalization;
using Rhythmic.Bench;
using Rhythmic.Cli.Output;
using Spectre.Console;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench speed</c>: the speed layer's four figures (throughput per core, end to end, freshness, DuckDB side by side).</summary>
internal static class BenchSpeed
{
    public static Command Create()
    {
        var defaults = new SpeedBenchOptions();
        var users = new Option<int>("--nusers") { Description = "Users simulated for the event buffer of figures (a) to (c).", DefaultValueFactory = _ => defaults.Users };
        var days = new Option<double>("--days") { Description = "Simulated days for the event buffer and the listens of (d).", DefaultValueFactory = _ => defaults.Days };
        var e2e = new Option<int>("--e2e-events") { Description = "Events sent through Kafka and PostgreSQL for figure (b).", DefaultValueFactory = _ => defaults.EndToEndEvents };
        var rate = new Option<int>("--rate") { Description = "Steady produce rate for the freshness figure (c), events/s.", DefaultValueFactory = _ => defaults.FreshnessRate };
        var seconds = new Option<int>("--seconds") { Description = "Duration of the freshness figure (c), seconds.", DefaultValueFactory = _ => defaults.FreshnessSeconds };
        var listens = new Option<int>("--listens")
        {
            Description = "Listens simulated for figure (d) (the JSON-lines file both sides aggregate); 0 takes the event buffer's listens.",
            DefaultValueFactory = _ => defaults.Listens,
        };
        var only = new Option<string>("--only") { Description = "Run only these figures, e.g. 'd' or 'a,d'.", DefaultValueFactory = _ => defaults.Figures };
        only.Validators.Add(r =>
        {
            if (r.GetValue(only)!.Any(c => char.IsLetter(c) && c is not (>= 'a' and <= 'd' or >= 'A' and <= 'D')))
                r.AddError("--only takes figure letters a to d, e.g. 'a,d'.");
        });
        var command = new Command("speed", "Speed layer: (a) parse+aggregate events/s per core, (b) end to end through Kafka into PostgreSQL, (c) freshness p50/p99 at a steady rate, (d) DuckDB side by side.");
        var json = TableOutput.JsonOption();
        command.Options.Add(json);
        foreach (var o in new Option[] { users, days, e2e, rate, seconds, listens, only }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var o = new SpeedBenchOptions
            {
                Users = parse.GetValue(users), Days = parse.GetValue(days), EndToEndEvents = parse.GetValue(e2e), FreshnessRate = parse.GetValue(rate),
                FreshnessSeconds = parse.GetValue(seconds), Listens = parse.GetValue(listens), Figures = parse.GetValue(only)!,
            };
            var mode = TableOutput.ModeOf(parse.GetValue(json));
            var notes = mode == OutputMode.Json ? Console.Error : Console.Out; // stdout holds the JSON alone
            var figures = await SpeedBench.RunAsync(o, m =>
            {
                if (mode == OutputMode.Terminal) AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]");
                else notes.WriteLine(m);
            }, ct);
            var table = new TableOutput("figure", "result", "how");
            foreach (var f in figures.OrderBy(f => f.Name, StringComparer.Ordinal)) table.Row(f.Name, f.Value, f.Detail);
            table.Write(mode);
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"command: rhythmic bench speed --nusers {o.Users} --days {o.Days} --e2e-events {o.EndToEndEvents} --rate {o.FreshnessRate} --seconds {o.FreshnessSeconds} --listens {o.Listens}{(o.Figures == defaults.Figures ? "" : $" --only {o.Figures}")}   ({Environment.ProcessorCount} cores)"));
            return 0;
        });
        return command;
    }
}
