namespace Rhythmic.Orchestration;

/// <summary>The scheduler's jobs, by the names users type (<c>rhythmic jobs trigger incremental-load</c>).</summary>
public static class JobNames
{
    public const string FullLoad = "full-load";
    public const string IncrementalLoad = "incremental-load";
    public const string Reconcile = "reconcile";
    public const string Maintenance = "maintenance";

    /// <summary>Every job, in the order they are listed.</summary>
    public static IReadOnlyList<string> All { get; } = [FullLoad, IncrementalLoad, Reconcile, Maintenance];

    /// <summary>Whether <paramref name="job"/> names a job of ours.</summary>
    public static bool IsKnown(string job) => All.Contains(job);

    /// <summary>What a job does, as listed.</summary>
    public static string Description(string job) => job switch
    {
        FullLoad => "Rebuild the warehouse from the whole lake.",
        IncrementalLoad => "Load complete new and changed hours.",
        Reconcile => "Compare speed and batch totals of loaded hours.",
        Maintenance => "Vacuum and analyze the changed warehouse tables, holding the loads' lock; purge expired serving minutes and dead letters.",
        _ => throw new ArgumentOutOfRangeException(nameof(job), job, "not a job"),
    };
}

/// <summary>Why a run started, as recorded in ops.job_runs.trigger.</summary>
public static class RunOrigins
{
    public const string Schedule = "schedule";
    public const string Startup = "startup";
    public const string Manual = "manual";
    public const string Retry = "retry";
    public const string AfterIncremental = "after-incremental";
    public const string Recovery = "recovery";
}
