using System.CommandLine;
using System.Globalization;
using Rhythmic.Bench;
using Spectre.Console;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench speed</c>: the speed layer's four figures (throughput per core, end to end, freshness, DuckDB side by side).</summary>
internal static class BenchSpeed
{
    public static Command Create()
    {
        var users = new Option<int>("--nusers") { Description = "Users simulated for the event buffer.", DefaultValueFactory = _ => 20_000 };
        var days = new Option<double>("--days") { Description = "Simulated days for the event buffer.", DefaultValueFactory = _ => 3 };
        var e2e = new Option<int>("--e2e-events") { Description = "Events sent through Kafka and PostgreSQL for figure (b).", DefaultValueFactory = _ => 200_000 };
        var rate = new Option<int>("--rate") { Description = "Steady produce rate for the freshness figure (c), events/s.", DefaultValueFactory = _ => 10_000 };
        var seconds = new Option<int>("--seconds") { Description = "Duration of the freshness figure (c), seconds.", DefaultValueFactory = _ => 20 };
        var command = new Command("speed", "Speed layer: (a) parse+aggregate events/s per core, (b) end to end through Kafka into PostgreSQL, (c) freshness p50/p99 at a steady rate, (d) DuckDB side by side.");
        foreach (var o in new Option[] { users, days, e2e, rate, seconds }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var (n, d, b, r, s) = (parse.GetValue(users), parse.GetValue(days), parse.GetValue(e2e), parse.GetValue(rate), parse.GetValue(seconds));
            var figures = await SpeedBench.RunAsync(n, d, b, r, s, m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]"), ct);
            var table = new Table().AddColumns("figure", "result", "how");
            foreach (var f in figures.OrderBy(f => f.Name, StringComparer.Ordinal)) table.AddRow(Markup.Escape(f.Name), Markup.Escape(f.Value), Markup.Escape(f.Detail));
            AnsiConsole.Write(table);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"command: rhythmic bench speed --nusers {n} --days {d} --e2e-events {b} --rate {r} --seconds {s}   ({Environment.ProcessorCount} cores)"));
            return 0;
        });
        return command;
    }
}
