using System.Globalization;
using Quartz;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>Rebuilds the warehouse from the whole lake, holding the load lock.</summary>
[DisallowConcurrentExecution]
internal sealed class FullLoadJob(JobContext context) : RecordedJob(context)
{
    protected override string Name => JobNames.FullLoad;

    protected override async Task<RunResult> RunAsync(IJobExecutionContext execution, CancellationToken ct)
    {
        await using var _ = await LoadLock.AcquireAsync(Context.Options.ConnectionString, ct);
        var outcome = await Context.Runner.FullLoadAsync(ct);
        return new RunResult(outcome.Rows, outcome.Hours, null);
    }
}

/// <summary>
/// Loads the complete new (and changed) hours, holding the load lock; then queues a reconcile of the hours it loaded.
/// A run after downtime catches up on every missed hour by itself, so a misfired schedule fires once, not once per slot.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class IncrementalLoadJob(JobContext context) : RecordedJob(context)
{
    internal const string HoursKey = "hours";

    protected override string Name => JobNames.IncrementalLoad;

    protected override async Task<RunResult> RunAsync(IJobExecutionContext execution, CancellationToken ct)
    {
        LoadOutcome outcome;
        await using (await LoadLock.AcquireAsync(Context.Options.ConnectionString, ct))
            outcome = await Context.Runner.IncrementalLoadAsync(ct);
        if (outcome.Hours.Count > 0)
        {
            var trigger = TriggerBuilder.Create()
                .WithIdentity($"{JobNames.Reconcile}.after.{execution.FireInstanceId}", JobNames.Group)
                .ForJob(JobNames.Key(JobNames.Reconcile))
                .UsingJobData(RecordedJob.OriginKey, RunOrigins.AfterIncremental)
                .UsingJobData(HoursKey, FormatHours(outcome.Hours))
                .StartNow()
                .WithSimpleSchedule(x => x.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await execution.Scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), CancellationToken.None);
        }
        return new RunResult(outcome.Rows, outcome.Hours, null);
    }

    internal static string FormatHours(IEnumerable<DateTime> hours)
        => string.Join(',', hours.Select(h => h.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));

    internal static IReadOnlyList<DateTime> ParseHours(string? text)
        => string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => DateTime.Parse(h, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal))
            .ToList();
}

/// <summary>Compares speed and batch totals for the hours an incremental load just loaded (or those given to a manual trigger).</summary>
[DisallowConcurrentExecution]
internal sealed class ReconcileJob(JobContext context) : RecordedJob(context)
{
    protected override string Name => JobNames.Reconcile;

    protected override async Task<RunResult> RunAsync(IJobExecutionContext execution, CancellationToken ct)
    {
        var hours = IncrementalLoadJob.ParseHours(Text(execution.MergedJobDataMap, IncrementalLoadJob.HoursKey));
        var differences = 0L;
        var notes = new List<string>();
        foreach (var hour in hours)
        {
            var outcome = await Context.Runner.ReconcileAsync(hour, ct);
            differences += outcome.Differences;
            if (outcome.Differences > 0) notes.Add($"{hour:yyyy-MM-dd HH}:00 {outcome.Differences} difference(s): {outcome.Summary}");
            else if (!string.IsNullOrEmpty(outcome.Summary)) notes.Add($"{hour:yyyy-MM-dd HH}:00 {outcome.Summary}");
        }
        var detail = hours.Count == 0 ? "no hours to reconcile"
            : notes.Count == 0 ? $"{hours.Count} hour(s) clean" : string.Join("; ", notes);
        return new RunResult(differences, hours, detail);
    }
}
