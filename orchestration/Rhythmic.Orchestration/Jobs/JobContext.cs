using Microsoft.Extensions.Logging;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>What every job of one scheduler needs: its options, the loads, the run history and logging.</summary>
internal sealed class JobContext(OrchestrationOptions options, ILoadRunner runner, ILoggerFactory loggerFactory)
{
    public OrchestrationOptions Options { get; } = options;
    public ILoadRunner Runner { get; } = runner;
    public JobRunStore Runs { get; } = new(options.ConnectionString);
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}

/// <summary>What a run produced, as recorded in ops.job_runs.</summary>
internal sealed record RunResult(long? Rows, IReadOnlyList<DateTime>? Hours, string? Detail);
