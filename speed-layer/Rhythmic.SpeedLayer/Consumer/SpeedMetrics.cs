using Rhythmic.Core.Observability;

namespace Rhythmic.SpeedLayer.Consumer;

/// <summary>The speed layer's series in <see cref="MetricsRegistry"/> (Prometheus names prefixed rhythmic_speed_).</summary>
internal sealed class SpeedMetrics(MetricsRegistry registry, string group)
{
    private readonly (string, string) _group = ("group", group);

    public Counter Events { get; } = registry.Counter("rhythmic_speed_events_total", "Events counted into minute aggregates.", ("group", group));
    public Gauge EventsPerSecond { get; } = registry.Gauge("rhythmic_speed_events_per_second", "Messages processed per second over the last flush interval.", ("group", group));
    public Counter DeadLetters { get; } = registry.Counter("rhythmic_speed_dead_letters_total", "Messages stored as dead letters.", ("group", group));
    public Counter LateEvents { get; } = registry.Counter("rhythmic_speed_late_events_total", "Events beyond the allowed lateness (left to the batch layer).", ("group", group));
    public Counter Flushes { get; } = registry.Counter("rhythmic_speed_flushes_total", "Flushes committed.", ("group", group));
    public Counter FlushSeconds { get; } = registry.Counter("rhythmic_speed_flush_seconds_total", "Time spent in committed flushes.", ("group", group));
    public Gauge LastFlushSeconds { get; } = registry.Gauge("rhythmic_speed_flush_latency_seconds", "Duration of the last flush.", ("group", group));
    public Counter Rewinds { get; } = registry.Counter("rhythmic_speed_rewinds_total", "Flushes refused or failed, after which the consumer re-read from the stored offsets.", ("group", group));

    public Gauge Lag(string topic, int partition)
        => registry.Gauge("rhythmic_speed_lag_messages", "Messages in the partition not yet processed.", _group, ("topic", topic), ("partition", partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
