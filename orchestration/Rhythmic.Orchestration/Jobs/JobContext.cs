using Hangfire;
using Microsoft.Extensions.Logging;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>What every job of one scheduler server needs: its options, the loads, the run history, a client for continuations, logging.</summary>
internal sealed class JobContext(OrchestrationOptions options, string instanceId, ILoadRunner runner, IBackgroundJobClient client, ILoggerFactory loggerFactory)
{
    public OrchestrationOptions Options { get; } = options;
    /// <summary>The server's name, recorded with each run.</summary>
    public string InstanceId { get; } = instanceId;
    public ILoadRunner Runner { get; } = runner;
    public JobRunStore Runs { get; } = new(options.DataSource);
    public IBackgroundJobClient Client { get; } = client;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}

/// <summary>What a run produced, as recorded in ops.job_runs.</summary>
internal sealed record RunResult(long? Rows, IReadOnlyList<DateTime>? Hours, string? Detail);

/// <summary>Creates our jobs with their server's context (each server of a process has its own).</summary>
internal sealed class JobContextActivator(JobContext context) : JobActivator
{
    public override object ActivateJob(Type jobType)
        => jobType == typeof(RhythmicJobs) ? new RhythmicJobs(context) : base.ActivateJob(jobType);
}
