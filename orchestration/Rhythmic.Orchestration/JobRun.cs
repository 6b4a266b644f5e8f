namespace Rhythmic.Orchestration;

/// <summary>One row of ops.job_runs: one execution of a job (<paramref name="JobId"/>: the Hangfire job it ran).</summary>
public sealed record JobRun(
    long RunId, string Job, string Trigger, int Attempt, string InstanceId, DateTime? ScheduledAt, DateTime StartedAt,
    DateTime? EndedAt, string Status, long? Rows, IReadOnlyList<DateTime> Hours, string? Detail, string? Error, string JobId);

/// <summary>The statuses a run goes through.</summary>
public static class RunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    /// <summary>Failed, and Hangfire retries it.</summary>
    public const string Retrying = "retrying";
    /// <summary>Failed after its last retry.</summary>
    public const string Failed = "failed";
    /// <summary>Its server stopped mid-run; Hangfire ran the job again (elsewhere, or after a restart).</summary>
    public const string Abandoned = "abandoned";
}
