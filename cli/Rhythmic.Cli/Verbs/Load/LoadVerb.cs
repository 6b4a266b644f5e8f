using System.CommandLine;
using Microsoft.Extensions.Logging;
using Rhythmic.Warehouse;
using Spectre.Console;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic load full|incremental</c>: builds the star schema (dw) from the lake.</summary>
internal static class LoadVerb
{
    public static Command Create()
    {
        var command = new Command("load", "Load the star-schema warehouse from the lake (full or incremental).");
        var full = new Command("full", "Rebuild the warehouse from every complete hour of the lake, in one transaction.");
        full.SetAction((_, ct) => RunAsync(incremental: false, ct));
        var incremental = new Command("incremental", "Load every complete hour not loaded yet, and reload hours whose lake files changed (late events).");
        incremental.SetAction((_, ct) => RunAsync(incremental: true, ct));
        command.Subcommands.Add(full);
        command.Subcommands.Add(incremental);
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("rhythmic load: name the kind of load: full or incremental.");
            return 1;
        });
        return command;
    }

    private static async Task<int> RunAsync(bool incremental, CancellationToken invocation)
    {
        using var ctx = CliContext.Load();
        return await ctx.RunWithDatabaseAsync("Rhythmic.Load", invocation, async (_, ct) =>
        {
            var loader = new WarehouseLoader(ctx.Settings, ctx.DataSource, ctx.LoggerFactory.CreateLogger<WarehouseLoader>());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await AnsiConsole.Status().StartAsync(incremental ? "Incremental load..." : "Full load...",
                _ => incremental ? loader.IncrementalLoadAsync(ct) : loader.FullLoadAsync(ct));
            var seconds = clock.Elapsed.TotalSeconds;
            AnsiConsole.MarkupLine(result.Hours.Count == 0
                ? "[yellow]No complete hour to load.[/]"
                : $"Loaded [green]{result.Hours.Count}[/] hour(s) ({result.Hours.Min():yyyy-MM-dd HH}:00 .. {result.Hours.Max():yyyy-MM-dd HH}:00 UTC), " +
                  $"[green]{result.Rows:N0}[/] events in {seconds:F1} s ({result.Rows / Math.Max(seconds, 0.001):N0} events/s).");
            return 0;
        });
    }
}
