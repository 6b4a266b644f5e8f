namespace Rhythmic.Core.Configuration;

/// <summary>Kafka. Empty <see cref="BootstrapServers"/> means the embedded mock cluster of the running platform.</summary>
public sealed class KafkaSettings
{
    /// <summary>Brokers of a real cluster ("host:port,..."); empty for the embedded cluster.</summary>
    public string BootstrapServers { get; set; } = "";
    /// <summary>Brokers of the embedded cluster.</summary>
    public int Brokers { get; set; } = 1;
    /// <summary>Partitions of each topic created in the embedded cluster.</summary>
    public int Partitions { get; set; } = 4;

    /// <summary>
    /// Megabytes (MiB) each partition of the embedded cluster keeps in memory; older messages are deleted (the memory
    /// is used only as messages arrive, and a log never shrinks below it once full).
    /// </summary>
    // The default holds a month of 100,000 users in the largest topic, page_view_events, with Partitions = 4:
    //   that month is 14,698,271 events, 6.3 M of them listens; `rhythmic simulate --nusers 10000 --from 2026-10-01
    //   --to 2026-10-04 --out DIR` gives 70,105 page views in 123,329 events (56.8 %) at 482.8 B of JSON each
    //   (listens: 458.7 B), so the month has 14,698,271 x 0.568 = 8.36 M page views, 2.09 M per partition;
    //   a record in the log costs its JSON + its key (the user id, ~6 B) + ~12 B of record fields ~ 500 B;
    //   2.09 M x 500 B = 1,045 MB = 997 MiB per partition (listens: 6.3 M / 4 x 477 B = 720 MiB).
    //   1,280 MiB leaves 28 % for the skew of the key hash across partitions, a 31-day month and growth.
    // Worst case (every partition of every topic full): 4 topics x 4 partitions x 1,280 MiB = 20 GiB; a month's
    // replay really holds ~7 GiB (auth and status changes are 1 % of the events): see EmbeddedKafka's memory check.
    public int EmbeddedRetentionMB { get; set; } = DefaultEmbeddedRetentionMB;

    /// <summary>The default of <see cref="EmbeddedRetentionMB"/>.</summary>
    public const int DefaultEmbeddedRetentionMB = 1280;

    /// <summary><see cref="EmbeddedRetentionMB"/> in bytes.</summary>
    public long EmbeddedRetentionBytes => (long)EmbeddedRetentionMB << 20;

    public bool IsEmbedded => string.IsNullOrWhiteSpace(BootstrapServers);

    internal void Validate(SettingsValidator v)
    {
        v.Range("Brokers", Brokers, 1, 16);
        v.Range("Partitions", Partitions, 1, 256);
        v.Range("EmbeddedRetentionMB", EmbeddedRetentionMB, 1, 1024 * 1024);
        if (!IsEmbedded)
            v.Check("BootstrapServers", BootstrapServers.Split(',').All(s => s.Contains(':')), $"must be a list of host:port (got '{BootstrapServers}').");
    }
}
