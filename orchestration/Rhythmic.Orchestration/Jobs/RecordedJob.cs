using System.Globalization;
using Microsoft.Extensions.Logging;
using Quartz;
using Rhythmic.Core.Observability;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>
/// The frame of every job: records the run in ops.job_runs, and on failure schedules a retry with exponential backoff
/// (a one-shot trigger carrying the attempt number) until the retries are spent, then records the run failed with its
/// error. Interrupted by a shutdown, a run rethrows so Quartz hands the firing back for recovery by another node.
/// </summary>
internal abstract class RecordedJob(JobContext context) : IJob
{
    internal const string AttemptKey = "attempt";
    internal const string OriginKey = "origin";

    protected JobContext Context { get; } = context;
    protected abstract string Name { get; }
    protected abstract Task<RunResult> RunAsync(IJobExecutionContext execution, CancellationToken ct);

    public async ValueTask Execute(IJobExecutionContext execution, CancellationToken cancellationToken = default)
    {
        var log = Context.LoggerFactory.CreateLogger("Rhythmic.Orchestration." + Name);
        var data = execution.MergedJobDataMap;
        var attempt = int.TryParse(Text(data, AttemptKey), CultureInfo.InvariantCulture, out var a) ? a : 0;
        var origin = execution.Recovering ? RunOrigins.Recovery : Text(data, OriginKey) ?? RunOrigins.Schedule;
        var instance = execution.Scheduler.SchedulerInstanceId;
        if (execution.Recovering) await Context.Runs.AbandonOthersAsync(Name, instance, cancellationToken);
        var runId = await Context.Runs.StartAsync(Name, origin, attempt, instance, execution.FireInstanceId,
            execution.ScheduledFireTimeUtc?.UtcDateTime, cancellationToken);
        log.LogInformation("Job {Job} started ({Trigger}, attempt {Attempt}) on {Instance}", Name, origin, attempt, instance);
        try
        {
            var result = await RunAsync(execution, cancellationToken);
            await Context.Runs.FinishAsync(runId, RunStatus.Succeeded, result.Rows, result.Hours, result.Detail, null);
            MetricsRegistry.Default.Counter("rhythmic_job_runs_total", "Job runs by job and status.", ("job", Name), ("status", RunStatus.Succeeded)).Inc();
            log.LogInformation("Job {Job} succeeded: {Rows} rows, {Hours} hours", Name, result.Rows, result.Hours?.Count ?? 0);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Context.Runs.FinishAsync(runId, RunStatus.Abandoned, null, null, null, "interrupted by the scheduler's shutdown; handed back for recovery");
            throw;
        }
        catch (Exception e)
        {
            var retry = attempt < Context.Options.MaxRetries;
            var status = retry ? RunStatus.Retrying : RunStatus.Failed;
            await Context.Runs.FinishAsync(runId, status, null, null, null, e.Message);
            MetricsRegistry.Default.Counter("rhythmic_job_runs_total", "Job runs by job and status.", ("job", Name), ("status", status)).Inc();
            // A RhythmicException explains itself in one line (a missing lake file, a lake that is not the manifest's):
            // log that line, not a stack trace; anything else is a bug, logged whole.
            var trace = e is Rhythmic.Core.RhythmicException ? null : e;
            if (retry)
            {
                var delay = Context.Options.RetryBackoff * Math.Pow(2, attempt);
                log.LogWarning(trace, "Job {Job} failed (attempt {Attempt}): {Error}; retrying in {Delay}", Name, attempt, e.Message, delay);
                await ScheduleRetryAsync(execution, attempt + 1, delay);
            }
            else
            {
                log.LogError(trace, "Job {Job} failed after {Attempts} attempts: {Error}", Name, attempt + 1, e.Message);
            }
        }
    }

    private async Task ScheduleRetryAsync(IJobExecutionContext execution, int attempt, TimeSpan delay)
    {
        var data = new JobDataMap();
        foreach (var (key, value) in execution.MergedJobDataMap)
            if (value is string s) data[key] = s;
        data[AttemptKey] = attempt.ToString(CultureInfo.InvariantCulture);
        data[OriginKey] = RunOrigins.Retry;
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"{Name}.retry.{Guid.NewGuid():N}", JobNames.Group)
            .ForJob(JobNames.Key(Name))
            .UsingJobData(data)
            .StartAt(DateTimeOffset.UtcNow + delay)
            .WithSimpleSchedule(x => x.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await execution.Scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), CancellationToken.None);
    }

    internal static string? Text(JobDataMap data, string key)
        => data.TryGetValue(key, out var v) ? v?.ToString() : null;
}
