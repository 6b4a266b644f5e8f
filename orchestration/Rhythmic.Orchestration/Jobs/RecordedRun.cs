using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Observability;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>
/// The frame of every job: records the run in ops.job_runs (its attempt from Hangfire's retry count; a job another
/// server left running is recorded as recovered, and that run as abandoned), then how it ended. A failure is
/// rethrown for Hangfire, whose retry filter schedules the next attempt with backoff until the retries are spent and
/// then leaves the job failed with its error; the run row says the same (retrying, or failed).
/// </summary>
internal static class RecordedRun
{
    /// <summary>The job parameter Hangfire's AutomaticRetryAttribute counts retries in.</summary>
    private const string RetryCount = "RetryCount";
    /// <summary>The job parameter a recurring job's run carries: its slot, in Unix seconds.</summary>
    private const string RecurringTime = "Time";

    public static async Task RunAsync(JobContext context, string job, string origin, PerformContext perform, CancellationToken ct, Func<CancellationToken, Task<RunResult>> work)
    {
        var log = context.LoggerFactory.CreateLogger("Rhythmic.Orchestration." + job);
        var attempt = perform.GetJobParameter<int>(RetryCount);
        if (attempt > 0) origin = RunOrigins.Retry;
        var slot = perform.GetJobParameter<long?>(RecurringTime);
        var scheduledAt = slot is { } s ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime : perform.BackgroundJob.CreatedAt;
        var run = await context.Runs.StartAsync(job, origin, attempt, context.InstanceId, perform.BackgroundJob.Id, scheduledAt, ct);
        log.LogInformation("Job {Job} started ({Trigger}, attempt {Attempt}, Hangfire job {JobId}) on {Instance}", job, run.Origin, attempt, perform.BackgroundJob.Id, context.InstanceId);
        try
        {
            var result = await work(ct);
            await context.Runs.FinishAsync(run.RunId, RunStatus.Succeeded, result.Rows, result.Hours, result.Detail, null);
            Count(job, RunStatus.Succeeded);
            log.LogInformation("Job {Job} succeeded: {Rows} rows, {Hours} hours", job, result.Rows, result.Hours?.Count ?? 0);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server is stopping (or the job was deleted): Hangfire puts a stopped server's job back in the queue.
            await context.Runs.FinishAsync(run.RunId, RunStatus.Abandoned, null, null, null, "interrupted: its server stopped or the job was deleted; Hangfire queues it again");
            throw;
        }
        catch (Exception e)
        {
            var status = attempt < context.Options.MaxRetries ? RunStatus.Retrying : RunStatus.Failed;
            await context.Runs.FinishAsync(run.RunId, status, null, null, null, e.Message);
            Count(job, status);
            // A RhythmicException explains itself in one line (a missing lake file, a lake that is not the manifest's):
            // log that line, not a stack trace; anything else is a bug, logged whole.
            var trace = e is Rhythmic.Core.RhythmicException ? null : e;
            if (status == RunStatus.Retrying)
                log.LogWarning(trace, "Job {Job} failed (attempt {Attempt}): {Error}; Hangfire retries it in {Delay}", job, attempt, e.Message, context.Options.RetryBackoff * Math.Pow(2, attempt));
            else
                log.LogError(trace, "Job {Job} failed after {Attempts} attempts: {Error}", job, attempt + 1, e.Message);
            throw;
        }
    }

    private static void Count(string job, string status)
        => MetricsRegistry.Default.Counter("rhythmic_job_runs_total", "Job runs by job and status.", ("job", job), ("status", status)).Inc();
}
