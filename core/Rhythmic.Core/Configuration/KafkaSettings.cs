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

    public bool IsEmbedded => string.IsNullOrWhiteSpace(BootstrapServers);

    internal void Validate(SettingsValidator v)
    {
        v.Range("Brokers", Brokers, 1, 16);
        v.Range("Partitions", Partitions, 1, 256);
        if (!IsEmbedded)
            v.Check("BootstrapServers", BootstrapServers.Split(',').All(s => s.Contains(':')), $"must be a list of host:port (got '{BootstrapServers}').");
    }
}
