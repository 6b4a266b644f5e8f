using Npgsql;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Orchestration;

/// <summary>How one scheduler server runs: from <see cref="JobsSettings"/>, with the knobs tests need to turn.</summary>
public sealed record OrchestrationOptions
{
    /// <summary>The platform's database (the process's one data source): Hangfire's storage, the run history, the loads' lock.</summary>
    public required NpgsqlDataSource DataSource { get; init; }
    /// <summary>Cron (UTC) of the incremental load.</summary>
    public string IncrementalCron { get; init; } = "5 * * * *";
    /// <summary>Cron (UTC) of the maintenance job.</summary>
    public string MaintenanceCron { get; init; } = "30 3 * * *";
    public int MaxRetries { get; init; } = 3;
    /// <summary>Delay before the first retry, doubled for each further one (whole seconds: Hangfire schedules retries by the second).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long serving minutes and dead letters are kept.</summary>
    public int RetentionDays { get; init; } = 14;
    /// <summary>This server's name (ops.job_runs.instance_id); null makes one of the host name and the process id.</summary>
    public string? InstanceId { get; init; }
    /// <summary>
    /// How long a fetched job stays invisible to other servers without its server's keep-alive (renewed every fifth of
    /// it while the job runs): a dead server's job is run elsewhere after this. The loads' Hangfire lock expires after it too.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How often an idle worker looks for queued jobs (besides being woken by PostgreSQL notifications).</summary>
    public TimeSpan QueuePollInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How often the server looks for due recurring jobs and retries.</summary>
    public TimeSpan SchedulePollingInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Jobs run at once by one server.</summary>
    public int WorkerCount { get; init; } = 4;
    /// <summary>How long stopping waits for running jobs before abandoning them to another server's recovery.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Whether starting the server queues a full load when the warehouse is empty.</summary>
    public bool FullLoadWhenEmpty { get; init; } = true;

    /// <summary>The options of the configured platform, on the process's data source <paramref name="dataSource"/>.</summary>
    public static OrchestrationOptions From(RhythmicSettings s, NpgsqlDataSource dataSource) => new()
    {
        DataSource = dataSource,
        IncrementalCron = s.Jobs.IncrementalCron,
        MaintenanceCron = s.Jobs.MaintenanceCron,
        MaxRetries = s.Jobs.MaxRetries,
        RetryBackoff = TimeSpan.FromSeconds(s.Jobs.RetryBackoffSeconds),
        InvisibilityTimeout = TimeSpan.FromSeconds(s.Jobs.InvisibilityTimeoutSeconds),
        RetentionDays = s.Speed.RetentionDays,
    };
}
