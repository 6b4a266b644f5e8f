using Rhythmic.Core.Configuration;

namespace Rhythmic.Orchestration;

/// <summary>How one scheduler instance runs: from <see cref="JobsSettings"/>, with the knobs tests need to turn.</summary>
public sealed record OrchestrationOptions
{
    public required string ConnectionString { get; init; }
    /// <summary>Quartz cron of the incremental load.</summary>
    public string IncrementalCron { get; init; } = "0 5 * * * ?";
    /// <summary>Quartz cron of the maintenance job.</summary>
    public string MaintenanceCron { get; init; } = "0 30 3 * * ?";
    public int MaxRetries { get; init; } = 3;
    /// <summary>Delay before the first retry, doubled for each further one.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long serving minutes and dead letters are kept.</summary>
    public int RetentionDays { get; init; } = 14;
    /// <summary>This node's id in the cluster; null generates one (host name and a timestamp).</summary>
    public string? InstanceId { get; init; }
    /// <summary>How often this node records that it is alive; a node silent for longer (plus a margin) is presumed dead and its jobs recovered.</summary>
    public TimeSpan CheckinInterval { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How late a fire may be before it counts as misfired (and runs once, at once).</summary>
    public TimeSpan MisfireThreshold { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long an idle node waits before looking for due triggers again.</summary>
    public TimeSpan IdleWaitTime { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Jobs run at once by one node.</summary>
    public int ThreadCount { get; init; } = 4;
    /// <summary>Whether starting the scheduler queues a full load when the warehouse is empty.</summary>
    public bool FullLoadWhenEmpty { get; init; } = true;

    /// <summary>The options of the configured platform.</summary>
    public static OrchestrationOptions From(RhythmicSettings s) => new()
    {
        ConnectionString = s.Postgres.EffectiveConnectionString,
        IncrementalCron = s.Jobs.IncrementalCron,
        MaintenanceCron = s.Jobs.MaintenanceCron,
        MaxRetries = s.Jobs.MaxRetries,
        RetryBackoff = TimeSpan.FromSeconds(s.Jobs.RetryBackoffSeconds),
        RetentionDays = s.Speed.RetentionDays,
    };
}
