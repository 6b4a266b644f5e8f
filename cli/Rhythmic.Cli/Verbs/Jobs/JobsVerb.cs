using System.CommandLine;
using Microsoft.Extensions.Logging;
using Rhythmic.Cli.Output;
using Rhythmic.Core;
using Rhythmic.Orchestration;
using Spectre.Console;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic jobs run|list|trigger|history</c>: the scheduler of the loads (Hangfire, its storage in PostgreSQL).</summary>
internal static class JobsVerb
{
    private static readonly Argument<string> Job = new("job") { Description = $"The job: {string.Join(", ", JobNames.All)}." };
    private static readonly Option<string[]> Hours = new("--hour") { Description = "reconcile only: an hour to check (UTC, e.g. 2024-03-09T22); repeatable.", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<bool> Wait = new("--wait") { Description = "Wait until the job is done (retries included) and print how its last run went (a running scheduler server must pick it up)." };
    private static readonly Option<string?> HistoryJob = new("--job") { Description = "Only this job's runs." };
    private static readonly Option<bool> Failed = new("--failed") { Description = "Only runs that failed after their last retry." };
    private static readonly Option<int> Limit = new("--limit") { Description = "At most this many runs (default 50).", DefaultValueFactory = _ => 50 };
    private static readonly Option<bool> ListJson = TableOutput.JsonOption();
    private static readonly Option<bool> HistoryJson = TableOutput.JsonOption();

    public static Command Create()
    {
        var command = new Command("jobs", "Scheduled loads (run the scheduler, list, trigger, history).");

        var run = new Command("run", "Run a Hangfire server until Ctrl-C: full load when the warehouse is empty, incremental load on Jobs:IncrementalCron, reconcile after each, maintenance on Jobs:MaintenanceCron. Several servers may run at once; the dashboard is at /hangfire on the serving host.");
        run.SetAction((_, ct) => RunAsync(ct));

        var list = new Command("list", "Jobs, their schedules, next and last runs.");
        list.Options.Add(ListJson);
        list.SetAction((parse, ct) => ListAsync(TableOutput.ModeOf(parse.GetValue(ListJson)), ct));

        var trigger = new Command("trigger", "Queue a run of a job now (a running scheduler server runs it).");
        trigger.Arguments.Add(Job);
        trigger.Options.Add(Hours);
        trigger.Options.Add(Wait);
        trigger.SetAction((parse, ct) => TriggerAsync(parse.GetValue(Job)!, parse.GetValue(Hours) ?? [], parse.GetValue(Wait), ct));

        var history = new Command("history", "Runs, newest first: trigger, start, end, status, rows, hours loaded, error.");
        history.Options.Add(HistoryJob);
        history.Options.Add(Failed);
        history.Options.Add(Limit);
        history.Options.Add(HistoryJson);
        history.SetAction((parse, ct) => HistoryAsync(parse.GetValue(HistoryJob), parse.GetValue(Failed), parse.GetValue(Limit), TableOutput.ModeOf(parse.GetValue(HistoryJson)), ct));

        command.Subcommands.Add(run);
        command.Subcommands.Add(list);
        command.Subcommands.Add(trigger);
        command.Subcommands.Add(history);
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken invocation)
    {
        using var ctx = CliContext.Load();
        return await ctx.RunWithDatabaseAsync("Rhythmic.Jobs", invocation, async (log, ct) =>
        {
            var options = OrchestrationOptions.From(ctx.Settings, ctx.DataSource);
            await using var node = await SchedulerNode.StartAsync(options, WarehouseLoadRunner.Create(ctx.Settings, ctx.DataSource, ctx.LoggerFactory), ctx.LoggerFactory, ct);
            log.LogInformation("Hangfire server {Instance} running (incremental load '{Cron}' UTC); Ctrl-C stops it", node.InstanceId, options.IncrementalCron);
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { }
        });
    }

    private static async Task<int> ListAsync(OutputMode mode, CancellationToken ct)
    {
        using var ctx = CliContext.Load();
        var control = new JobsControl(ctx.DataSource, readOnly: true);
        var table = new TableOutput("job", "schedule", "next run (UTC)", "last run (UTC)", "status", "rows", "error");
        foreach (var j in await control.ListAsync(ct))
            table.Row(j.Job, j.Schedule, j.NextRunAt, j.LastRun is null ? TableOutput.Shown(null, "never") : j.LastRun.StartedAt,
                StatusCell(j.LastRun?.Status), j.LastRun?.Rows, ErrorCell(j.LastRun?.Error, mode));
        table.Write(mode);
        return 0;
    }

    private static async Task<int> TriggerAsync(string job, string[] hourTexts, bool wait, CancellationToken invocation)
    {
        using var ctx = CliContext.Load();
        var ct = CliContext.ShutdownToken(invocation);
        var hours = hourTexts.Select(ReconcileVerb.ParseHour).ToList();
        var control = new JobsControl(ctx.DataSource);
        var id = await control.TriggerAsync(job, hours, ct);
        Console.WriteLine($"Queued {job} as Hangfire job {id}.");
        if (!wait) return 0;
        string? state;
        while ((state = await control.StateAsync(id, ct)) is not null && !JobsControl.IsFinal(state))
            await Task.Delay(500, ct); // polling Hangfire's state of the job until it is done
        var run = (await control.RunsOfJobAsync(id, ct)).LastOrDefault();
        if (run is null)
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(job)}: {Markup.Escape(state ?? "unknown")} without a run (see /hangfire/jobs/details/{Markup.Escape(id)})");
            return 1;
        }
        AnsiConsole.MarkupLine($"{Markup.Escape(job)}: {StatusMarkup(run.Status)} ({run.Rows ?? 0} rows, {run.Hours.Count} hours){(run.Error is null ? "" : ": " + Markup.Escape(run.Error))}");
        return run.Status == RunStatus.Succeeded ? 0 : 1;
    }

    private static async Task<int> HistoryAsync(string? job, bool failed, int limit, OutputMode mode, CancellationToken ct)
    {
        using var ctx = CliContext.Load();
        if (job is not null && !JobNames.IsKnown(job))
            throw new RhythmicException($"Unknown job '{job}' (jobs: {string.Join(", ", JobNames.All)}).");
        var control = new JobsControl(ctx.DataSource, readOnly: true);
        var table = new TableOutput("run", "job", "hangfire job", "trigger", "try", "server", "started (UTC)", "ended (UTC)", "status", "rows", "hours", "detail / error");
        foreach (var r in await control.HistoryAsync(job, failed, limit, ct))
            table.Row(r.RunId, r.Job, r.JobId, r.Trigger, r.Attempt, r.InstanceId, r.StartedAt,
                r.EndedAt is { } ended ? TableOutput.Shown(ended.ToUniversalTime(), $"{ended.ToUniversalTime():HH:mm:ss}") : null,
                StatusCell(r.Status), r.Rows, TableOutput.Shown(r.Hours.Select(h => h.ToUniversalTime()).ToList(), HoursText(r.Hours)),
                ErrorCell(r.Error ?? r.Detail, mode));
        table.Write(mode);
        return 0;
    }

    private static string StatusMarkup(string? status) => status switch
    {
        null => "",
        RunStatus.Succeeded => "[green]succeeded[/]",
        RunStatus.Failed => "[red]failed[/]",
        RunStatus.Retrying => "[yellow]retrying[/]",
        _ => Markup.Escape(status),
    };

    private static string HoursText(IReadOnlyList<DateTime> hours) => hours.Count switch
    {
        0 => "",
        1 => $"{hours[0].ToUniversalTime():MM-dd HH}h",
        _ => $"{hours.Count}: {hours.Min().ToUniversalTime():MM-dd HH}h..{hours.Max().ToUniversalTime():MM-dd HH}h",
    };

    private static Cell StatusCell(string? status) => status switch
    {
        RunStatus.Succeeded => TableOutput.Colored(status, "green"),
        RunStatus.Failed => TableOutput.Colored(status, "red"),
        RunStatus.Retrying => TableOutput.Colored(status, "yellow"),
        _ => TableOutput.Shown(status, status ?? ""),
    };

    /// <summary>An error in full for scripts (JSON, a pipe), shortened in a terminal's table.</summary>
    private static Cell ErrorCell(string? error, OutputMode mode) => TableOutput.Shown(error, mode == OutputMode.Terminal ? Shorten(error) : error ?? "");

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..77] + "...";
}
