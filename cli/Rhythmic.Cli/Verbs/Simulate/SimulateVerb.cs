using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Rhythmic.Core;
using Rhythmic.Core.Events;
using Rhythmic.Simulator;
using Spectre.Console;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic simulate</c>: eventsim-compatible events into Kafka (default), JSON-lines files (--out) or the lake.</summary>
internal static class SimulateVerb
{
    private static readonly Option<string?> From = new("--from") { Description = "Start (ISO 8601 date or date-time, UTC). History default: 7 days before --to; continuous default: now." };
    private static readonly Option<string?> To = new("--to") { Description = "End, exclusive (ISO 8601, UTC). History default: now; continuous default: none (run until Ctrl-C)." };
    private static readonly Option<bool> Continuous = new("--continuous") { Description = "Release events in real time as the clock reaches them (catching up first if --from is in the past)." };
    private static readonly Option<double?> Speed = new("--speed") { Description = "Continuous mode: run N times faster than the clock (default Simulator:Speed)." };
    private static readonly Option<int?> Users = new("--nusers") { Description = "Users at the start (default Simulator:Users)." };
    private static readonly Option<double?> Growth = new("--growth-rate") { Description = "Yearly growth through new users, 0.01 = 1 % (default Simulator:GrowthRate)." };
    private static readonly Option<double?> Attrition = new("--attrition-rate") { Description = "Yearly share of users leaving without cancelling (default Simulator:AttritionRate)." };
    private static readonly Option<long?> Seed = new("--seed") { Description = "Random seed (default Simulator:Seed); same seed and options give byte-identical output." };
    private static readonly Option<string?> Config = new("--config") { Description = "An eventsim JSON config (default: the built-in copy of eventsim's example config)." };
    private static readonly Option<string?> DataDir = new("--data-dir") { Description = "A directory with eventsim's data files (listen_counts.txt.gz, US.txt, yob1990.txt, Top1000Surnames.csv, \"user agents.txt\")." };
    private static readonly Option<string?> Out = new("--out") { Description = "Write JSON lines into this directory, one file per topic (eventsim's layout), instead of Kafka." };
    private static readonly Option<int?> Workers = new("--workers") { Description = "Generation threads (default: all cores); the output does not depend on it." };
    private static readonly Option<bool> NoInteractions = new("--no-interaction-pages") { Description = "Leave out Thumbs Up/Down, Add to Playlist, Add Friend and Roll Advert (pure eventsim example config)." };

    public static Command Create()
    {
        var command = new Command("simulate", "Generate eventsim-compatible events (to Kafka, JSON-lines files or the lake).");
        foreach (var option in new Option[] { From, To, Continuous, Speed, Users, Growth, Attrition, Seed, Config, DataDir, Out, Workers, NoInteractions })
            command.Options.Add(option);
        SimulateSinks.AddOptions(command);
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken invocation)
    {
        using var ctx = CliContext.Load();
        var ct = CliContext.ShutdownToken(invocation);
        var s = ctx.Settings.Simulator;
        var continuous = parse.GetValue(Continuous);
        var now = DateTimeOffset.UtcNow;
        var to = ParseTime(parse.GetValue(To), "--to") ?? (continuous ? null : now);
        var from = ParseTime(parse.GetValue(From), "--from") ?? (continuous ? now : to!.Value.AddDays(-7));
        var relay = new ProgressRelay();
        string? PathOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : ctx.Settings.PathOf(value);
        var options = new SimulationOptions
        {
            From = from, To = to, Continuous = continuous,
            Speed = parse.GetValue(Speed) ?? s.Speed,
            Users = parse.GetValue(Users) ?? s.Users,
            GrowthRate = parse.GetValue(Growth) ?? s.GrowthRate,
            AttritionRate = parse.GetValue(Attrition) ?? s.AttritionRate,
            Seed = parse.GetValue(Seed) ?? s.Seed,
            ConfigPath = PathOrNull(parse.GetValue(Config) ?? s.Config),
            DataDir = PathOrNull(parse.GetValue(DataDir) ?? s.DataDir),
            Workers = parse.GetValue(Workers) ?? Environment.ProcessorCount,
            InteractionPages = !parse.GetValue(NoInteractions),
            Progress = relay,
        };
        var simulation = new Simulation(options);
        await using var sink = await SimulateSinks.CreateAsync(ctx, parse, parse.GetValue(Out), to, continuous, ct);
        var log = ctx.Logger("Rhythmic.Simulate");
        log.LogInformation("Simulating {Users} users from {From:O} to {To} (seed {Seed}) into {Sink}; data: {Sources}",
            options.Users, from, to?.ToString("O") ?? "Ctrl-C", simulation.Seed, SimulateSinks.Describe(sink), string.Join("; ", simulation.DataSources));
        var watch = Stopwatch.StartNew();
        SimulationSummary summary;
        try
        {
            summary = continuous ? await simulation.RunAsync(sink, ct) : await RunWithProgressAsync(simulation, options, relay, sink, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await sink.FlushAsync(CancellationToken.None);
            Console.Error.WriteLine("rhythmic simulate: stopped; everything generated so far was flushed.");
            return 0;
        }
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Events:N0} events ({summary.PageViews:N0} page views, {summary.Listens:N0} listens, {summary.AuthEvents:N0} auth, {summary.StatusChanges:N0} status changes) in {seconds:F1} s ({summary.Events / Math.Max(seconds, 1e-3):N0} events/s); {summary.UsersCreated:N0} new users, {summary.UsersActiveAtEnd:N0} active at the end."));
        return 0;
    }

    private static async Task<SimulationSummary> RunWithProgressAsync(Simulation simulation, SimulationOptions options, ProgressRelay relay, IEventSink sink, CancellationToken ct)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive) return await simulation.RunAsync(sink, ct);
        SimulationSummary? summary = null;
        var fromMs = options.From.ToUnixTimeMilliseconds();
        var spanMs = (double)(options.To!.Value.ToUnixTimeMilliseconds() - fromMs);
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("simulating", maxValue: spanMs);
                relay.Target = p =>
                {
                    task.Value = p.Reached.ToUnixTimeMilliseconds() - fromMs;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.Reached:yyyy-MM-dd HH:mm} · {p.Events:N0} events · {p.ActiveUsers:N0} users");
                };
                summary = await simulation.RunAsync(sink, ct);
                task.Value = spanMs;
            });
        return summary!;
    }

    /// <summary>Forwards progress to the progress bar once it exists.</summary>
    private sealed class ProgressRelay : IProgress<SimulationProgress>
    {
        public Action<SimulationProgress>? Target { get; set; }
        public void Report(SimulationProgress value) => Target?.Invoke(value);
    }

    /// <summary>ISO 8601 date or date-time; without an offset it is UTC.</summary>
    internal static DateTimeOffset? ParseTime(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (IsoTime.TryParse(text, out DateTimeOffset value)) return value;
        throw new RhythmicException($"{option} '{text}' is not an ISO 8601 date or date-time (e.g. 2024-03-04 or 2024-03-04T12:00:00Z).");
    }
}
