namespace Rhythmic.Core.Configuration;

/// <summary>The scheduler of full and incremental loads.</summary>
public sealed class JobsSettings
{
    /// <summary>Quartz cron expression of the incremental load (default: every hour at minute 5).</summary>
    public string IncrementalCron { get; set; } = "0 5 * * * ?";
    /// <summary>Quartz cron expression of the maintenance job.</summary>
    public string MaintenanceCron { get; set; } = "0 30 3 * * ?";
    /// <summary>Retries of a failed run before it stays failed.</summary>
    public int MaxRetries { get; set; } = 3;
    /// <summary>Delay before the first retry; doubled for each further one.</summary>
    public int RetryBackoffSeconds { get; set; } = 30;
    /// <summary>Whether <c>rhythmic up</c> runs the scheduler.</summary>
    public bool RunInUp { get; set; } = true;

    internal void Validate(SettingsValidator v)
    {
        v.Required("IncrementalCron", IncrementalCron);
        v.Required("MaintenanceCron", MaintenanceCron);
        v.Range("MaxRetries", MaxRetries, 0, 100);
        v.Range("RetryBackoffSeconds", RetryBackoffSeconds, 0, 86_400);
    }
}
