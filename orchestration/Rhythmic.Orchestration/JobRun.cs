namespace Rhythmic.Orchestration;

/// <summary>One row of ops.job_runs: one execution of a job.</summary>
public sealed record JobRun(
    long RunId, string Job, string Trigger, int Attempt, string InstanceId, DateTime? ScheduledAt, DateTime StartedAt,
    DateTime? EndedAt, string Status, long? Rows, IReadOnlyList<DateTime> Hours, string? Detail, string? Error);

/// <summary>The statuses a run goes through.</summary>
public static class RunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    /// <summary>Failed, and a retry is scheduled.</summary>
    public const string Retrying = "retrying";
    /// <summary>Failed after its last retry.</summary>
    public const string Failed = "failed";
    /// <summary>Its scheduler stopped mid-run; the job was recovered (run again) elsewhere.</summary>
    public const string Abandoned = "abandoned";
}
