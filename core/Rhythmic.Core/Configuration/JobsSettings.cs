using Cronos;

namespace Rhythmic.Core.Configuration;

/// <summary>The scheduler of full and incremental loads (Hangfire, its storage in the platform's PostgreSQL).</summary>
public sealed class JobsSettings
{
    /// <summary>Cron expression (UTC; five fields, or six with seconds first) of the incremental load (default: every hour at minute 5).</summary>
    public string IncrementalCron { get; set; } = "5 * * * *";
    /// <summary>Cron expression (UTC) of the maintenance job.</summary>
    public string MaintenanceCron { get; set; } = "30 3 * * *";
    /// <summary>Retries of a failed run before it stays failed.</summary>
    public int MaxRetries { get; set; } = 3;
    /// <summary>Delay before the first retry; doubled for each further one.</summary>
    public int RetryBackoffSeconds { get; set; } = 30;
    /// <summary>
    /// How long a job fetched by a server that stopped heart-beating stays invisible before another server runs it
    /// (a running job's server renews it, so a long load is never taken over while its server lives); the loads'
    /// Hangfire lock expires after the same time.
    /// </summary>
    public int InvisibilityTimeoutSeconds { get; set; } = 300;
    /// <summary>Whether <c>rhythmic up</c> runs a scheduler server.</summary>
    public bool RunInUp { get; set; } = true;

    internal void Validate(SettingsValidator v)
    {
        Cron(v, "IncrementalCron", IncrementalCron);
        Cron(v, "MaintenanceCron", MaintenanceCron);
        v.Range("MaxRetries", MaxRetries, 0, 100);
        v.Range("RetryBackoffSeconds", RetryBackoffSeconds, 0, 86_400);
        v.Range("InvisibilityTimeoutSeconds", InvisibilityTimeoutSeconds, 1, 86_400);
    }

    private static void Cron(SettingsValidator v, string key, string value)
    {
        v.Required(key, value);
        if (string.IsNullOrWhiteSpace(value)) return;
        string? error = null;
        try { ParseCron(value); }
        catch (CronFormatException e) { error = e.Message; }
        v.Check(key, error is null, $"is not a cron expression ('{value}': {error}); five fields (minute hour day month weekday) or six with seconds first, e.g. '5 * * * *'");
    }

    /// <summary>Parses a cron expression as Hangfire does: six fields include seconds.</summary>
    public static CronExpression ParseCron(string cron)
        => CronExpression.Parse(cron, cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
}
