using Quartz;
using Rhythmic.Core;
using Rhythmic.Orchestration.Jobs;

namespace Rhythmic.Orchestration;

/// <summary>One job as <c>rhythmic jobs list</c> and <c>GET /api/jobs</c> show it.</summary>
public sealed record JobInfo(string Job, string Description, string? Schedule, DateTime? NextRunAt, JobRun? LastRun);

/// <summary>
/// Control of the scheduler cluster from outside it (the CLI, the serving API): lists jobs, queues a run, reads the
/// history. Works through a never-started handle on the job store, so a queued run is fired by whichever node is up.
/// </summary>
public sealed class JobsControl(string connectionString) : IAsyncDisposable
{
    private readonly JobRunStore _runs = new(connectionString);
    private readonly Lock _gate = new();
    private Task<IScheduler>? _client;

    /// <summary>Every job with its schedule, next fire and last run.</summary>
    public async Task<IReadOnlyList<JobInfo>> ListAsync(CancellationToken ct)
    {
        var scheduler = await ClientAsync(ct);
        var last = await _runs.LastRunsAsync(ct);
        var jobs = new List<JobInfo>();
        foreach (var name in JobNames.All)
        {
            var detail = await scheduler.GetJobDetail(JobNames.Key(name), ct);
            var triggers = await scheduler.QueryTriggers(new TriggerQuery { Job = JobNames.Key(name) }, ct);
            var cron = await scheduler.GetTrigger(OrchestratorScheduler.CronKey(name), ct) as ICronTrigger;
            var next = triggers.Items.Select(t => t.NextFireTimeUtc).Where(t => t is not null).Min();
            jobs.Add(new JobInfo(name, detail?.Description ?? "(not stored yet: no scheduler node has started)",
                cron?.CronExpressionString ?? (name == JobNames.Reconcile ? "after each incremental load" : name == JobNames.FullLoad ? "when the warehouse is empty, and on demand" : null),
                next?.UtcDateTime, last.GetValueOrDefault(name)));
        }
        return jobs;
    }

    /// <summary>Queues a run of <paramref name="job"/> now; <paramref name="hours"/> are the hours a reconcile checks.</summary>
    public async Task TriggerAsync(string job, IReadOnlyList<DateTime>? hours, CancellationToken ct)
    {
        if (!JobNames.IsKnown(job))
            throw new RhythmicException($"Unknown job '{job}' (jobs: {string.Join(", ", JobNames.All)}).");
        var scheduler = await ClientAsync(ct);
        if (!await scheduler.Exists(JobNames.Key(job), ct))
            throw new RhythmicException($"The job '{job}' is not stored yet: start a scheduler node first ('rhythmic jobs run' or 'rhythmic up').");
        var data = new JobDataMap { [RecordedJob.OriginKey] = RunOrigins.Manual };
        if (hours is { Count: > 0 }) data[IncrementalLoadJob.HoursKey] = IncrementalLoadJob.FormatHours(hours);
        await scheduler.TriggerJob(JobNames.Key(job), data, ct);
    }

    /// <summary>Runs newest first.</summary>
    public Task<IReadOnlyList<JobRun>> HistoryAsync(string? job, bool failedOnly, int limit, CancellationToken ct)
        => _runs.HistoryAsync(job, failedOnly, limit, ct);

    private Task<IScheduler> ClientAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            // Built once per control (the serving host shares one); a failed build is retried on the next call.
            if (_client is null || _client.IsFaulted || _client.IsCanceled) _client = OrchestratorScheduler.BuildClientAsync(connectionString, ct);
            return _client;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { IsCompletedSuccessfully: true }) await (await _client).Shutdown(false, CancellationToken.None);
    }
}
