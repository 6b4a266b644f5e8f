namespace Rhythmic.Core.Configuration;

/// <summary>The speed layer's consumer.</summary>
public sealed class SpeedSettings
{
    public string ConsumerGroup { get; set; } = "rhythmic-speed";
    /// <summary>How far behind the newest event time an event may be and still update its minute.</summary>
    public int AllowedLatenessSeconds { get; set; } = 120;
    /// <summary>Longest time between flushes of the aggregates to PostgreSQL.</summary>
    public int FlushIntervalMs { get; set; } = 200;
    /// <summary>Messages larger than this go to the dead letters.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;
    /// <summary>Events stamped more than this ahead of the wall clock go to the dead letters.</summary>
    public int MaxFutureSeconds { get; set; } = 86_400;
    /// <summary>How long serving minutes and dead letters are kept before maintenance removes them.</summary>
    public int RetentionDays { get; set; } = 14;

    internal void Validate(SettingsValidator v)
    {
        v.Required("ConsumerGroup", ConsumerGroup);
        v.Range("AllowedLatenessSeconds", AllowedLatenessSeconds, 0, 86_400);
        v.Range("FlushIntervalMs", FlushIntervalMs, 10, 60_000);
        v.Range("MaxMessageBytes", MaxMessageBytes, 1024, 16 * 1024 * 1024);
        v.Range("MaxFutureSeconds", MaxFutureSeconds, 0, 365 * 86_400);
        v.Range("RetentionDays", RetentionDays, 1, 3650);
    }
}
