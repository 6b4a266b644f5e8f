using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Orchestration.Jobs;

namespace Rhythmic.Orchestration;

/// <summary>One job as <c>rhythmic jobs list</c> and <c>GET /api/jobs</c> show it.</summary>
public sealed record JobInfo(string Job, string Description, string? Schedule, DateTime? NextRunAt, JobRun? LastRun);

/// <summary>
/// Control of the scheduler from outside its servers (the CLI, the serving API): lists jobs from Hangfire's storage
/// and our run records, queues a run (which whichever server is up then runs), reads the history. A read-only control
/// (the serving API's read-only role) never touches Hangfire's schema; a writing one creates it if no server has yet.
/// </summary>
public sealed class JobsControl(NpgsqlDataSource dataSource, bool readOnly = false)
{
    private readonly JobRunStore _runs = new(dataSource);
    // Made at first use; PublicationOnly: a failure (the database down) is not remembered, the next call tries again.
    private readonly Lazy<JobStorage> _storage = new(() => HangfireSetup.Storage(dataSource, prepareSchema: !readOnly), LazyThreadSafetyMode.PublicationOnly);

    /// <summary>Every job with its schedule, next run (a recurring slot, or a queued or retrying run) and last run.</summary>
    public async Task<IReadOnlyList<JobInfo>> ListAsync(CancellationToken ct)
    {
        var last = await _runs.LastRunsAsync(ct);
        var (recurring, pending) = await Task.Run(ReadSchedule, ct);
        return JobNames.All.Select(name =>
        {
            var schedule = recurring.GetValueOrDefault(name);
            var next = new[] { schedule?.NextExecution, pending.TryGetValue(name, out var at) ? at : null }.Where(t => t is not null).Min();
            return new JobInfo(name, JobNames.Description(name), schedule?.Cron is { } cron ? cron + " (UTC)" : DefaultSchedule(name), next, last.GetValueOrDefault(name));
        }).ToList();
    }

    /// <summary>Queues a run of <paramref name="job"/> now; <paramref name="hours"/> are the hours a reconcile checks. Returns the Hangfire job id.</summary>
    public async Task<string> TriggerAsync(string job, IReadOnlyList<DateTime>? hours, CancellationToken ct)
    {
        if (!JobNames.IsKnown(job))
            throw new RhythmicException($"Unknown job '{job}' (jobs: {string.Join(", ", JobNames.All)}).");
        var at = (hours ?? []).Select(h => DateTime.SpecifyKind(h, DateTimeKind.Utc)).ToArray();
        return await Task.Run(() =>
        {
            var client = new BackgroundJobClient(_storage.Value, HangfireSetup.Filters(new OrchestrationOptions { DataSource = dataSource }));
            return job switch
            {
                JobNames.FullLoad => client.Enqueue<RhythmicJobs>(j => j.FullLoad(RunOrigins.Manual, null, CancellationToken.None)),
                JobNames.IncrementalLoad => client.Enqueue<RhythmicJobs>(j => j.IncrementalLoad(RunOrigins.Manual, null, CancellationToken.None)),
                JobNames.Reconcile => client.Enqueue<RhythmicJobs>(j => j.Reconcile(RunOrigins.Manual, at, null, CancellationToken.None)),
                _ => client.Enqueue<RhythmicJobs>(j => j.Maintenance(RunOrigins.Manual, null, CancellationToken.None)),
            };
        }, ct);
    }

    /// <summary>Hangfire's state of a job (Enqueued, Processing, Scheduled for a retry, Succeeded, Failed, Deleted), or null if unknown.</summary>
    public async Task<string?> StateAsync(string jobId, CancellationToken ct)
        => await Task.Run(() =>
        {
            using var connection = _storage.Value.GetConnection();
            return connection.GetStateData(jobId)?.Name;
        }, ct);

    /// <summary>Whether a job in state <paramref name="state"/> is done: it will not run again by itself.</summary>
    public static bool IsFinal(string? state)
        => state == SucceededState.StateName || state == FailedState.StateName || state == DeletedState.StateName;

    /// <summary>The runs of one Hangfire job, oldest first.</summary>
    public Task<IReadOnlyList<JobRun>> RunsOfJobAsync(string jobId, CancellationToken ct) => _runs.RunsOfJobAsync(jobId, ct);

    /// <summary>Runs newest first.</summary>
    public Task<IReadOnlyList<JobRun>> HistoryAsync(string? job, bool failedOnly, int limit, CancellationToken ct)
        => _runs.HistoryAsync(job, failedOnly, limit, ct);

    private static string? DefaultSchedule(string job) => job switch
    {
        JobNames.Reconcile => "after each incremental load (a Hangfire continuation)",
        JobNames.FullLoad => "when the warehouse is empty, and on demand",
        _ => null, // a recurring job no server has stored yet
    };

    /// <summary>The recurring jobs, and the earliest queued or scheduled (retrying) run of each job.</summary>
    private (Dictionary<string, RecurringJobDto> Recurring, Dictionary<string, DateTime?> Pending) ReadSchedule()
    {
        var recurring = new Dictionary<string, RecurringJobDto>();
        var pending = new Dictionary<string, DateTime?>();
        try
        {
            using (var connection = _storage.Value.GetConnection())
                foreach (var r in connection.GetRecurringJobs()) recurring[r.Id] = r;
            var monitoring = _storage.Value.GetMonitoringApi();
            // A handful at most are pending on this platform; the first pages hold them all.
            foreach (var (_, s) in monitoring.ScheduledJobs(0, 500)) Note(pending, s.Job, s.EnqueueAt);
            // The queue's list can hold a job that has just moved on: only those still enqueued count.
            foreach (var (_, e) in monitoring.EnqueuedJobs(EnqueuedState.DefaultQueue, 0, 500))
                if (e.State == EnqueuedState.StateName) Note(pending, e.Job, e.EnqueuedAt ?? DateTime.UtcNow);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No server has created Hangfire's tables yet: nothing is scheduled.
        }
        return (recurring, pending);
    }

    private static void Note(Dictionary<string, DateTime?> pending, Job? job, DateTime at)
    {
        if (job is null || RhythmicJobs.NameOf(job.Method.Name) is not { } name) return;
        if (!pending.TryGetValue(name, out var seen) || at < seen) pending[name] = DateTime.SpecifyKind(at, DateTimeKind.Utc);
    }
}
