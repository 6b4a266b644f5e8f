using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Rhythmic.Cli.Output;
using Rhythmic.Core;
using Rhythmic.Warehouse;
using Spectre.Console;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic reconcile --hour H</c>: compares the speed layer's totals of a closed hour with the warehouse's.</summary>
internal static class ReconcileVerb
{
    private static readonly Option<string> Hour = new("--hour")
    {
        Description = "The hour to check (UTC, ISO 8601, e.g. 2024-03-09T22 or 2024-03-09T22:00Z); it must be loaded in the warehouse.",
        Required = true,
    };
    private static readonly Option<bool> Json = TableOutput.JsonOption();

    public static Command Create()
    {
        var command = new Command("reconcile", "Compare the speed layer's serving totals with the warehouse's for a closed hour; print and record differences.");
        command.Options.Add(Hour);
        command.Options.Add(Json);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Hour)!, TableOutput.ModeOf(parse.GetValue(Json)), ct));
        return command;
    }

    /// <summary>Parses an hour given as an ISO date-time (an hour alone, "yyyy-MM-ddTHH", is accepted), as UTC.</summary>
    internal static DateTime ParseHour(string text)
        => IsoTime.TryParseHour(text, out var hour) ? hour
            : throw new RhythmicException($"--hour: '{text}' is not a date-time (use ISO 8601 in UTC, e.g. 2024-03-09T22).");

    private static async Task<int> RunAsync(string hourText, OutputMode mode, CancellationToken invocation)
    {
        var hour = ParseHour(hourText);
        using var ctx = CliContext.Load();
        return await ctx.RunWithDatabaseAsync("Rhythmic.Reconcile", invocation, async (_, ct) =>
        {
            var result = await new Reconciler(ctx.DataSource, ctx.LoggerFactory.CreateLogger<Reconciler>()).ReconcileAsync(hour, ct);
            var table = new TableOutput("measure", "minute", "key", "speed", "warehouse", "late events");
            foreach (var d in result.Differences)
                table.Row(d.Measure, TableOutput.Shown(d.Minute, $"{d.Minute:HH:mm}"), d.Key, d.SpeedValue, d.WarehouseValue, d.LateEvents);
            if (mode == OutputMode.Json)
            {
                table.Write(mode); // [] when the hour is clean; the exit code says it too
                return result.Clean ? 0 : 3;
            }
            if (result.Clean)
            {
                AnsiConsole.MarkupLine($"[green]{hour:yyyy-MM-dd HH}:00 UTC: the speed layer and the warehouse agree.[/]");
                return 0;
            }
            table.Write(mode);
            AnsiConsole.MarkupLine($"[red]{hour:yyyy-MM-dd HH}:00 UTC: {result.Differences.Count} difference(s), recorded in ops.reconcile_difference.[/]");
            return 3;
        });
    }
}
