using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;

namespace Rhythmic.Core.Kafka;

/// <summary>Client configurations shared by every layer, so producers and consumers behave alike everywhere.</summary>
public static class KafkaClients
{
    /// <summary>A producer that never loses an acknowledged message and keeps per-key order across retries.</summary>
    public static ProducerConfig Producer(string bootstrapServers, string clientId) => new()
    {
        BootstrapServers = bootstrapServers,
        ClientId = clientId,
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = 5,
        BatchSize = 1_000_000,
        CompressionType = CompressionType.None,
        MessageTimeoutMs = 300_000,
        LogConnectionClose = false,
    };

    /// <summary>
    /// A consumer whose offsets live outside Kafka (in PostgreSQL, with the data they produced): no auto-commit,
    /// cooperative-sticky assignment so a rebalance does not stop every partition, and no automatic offset reset: an
    /// out-of-range offset (retention deleted what the group had not read) raises Local_AutoOffsetReset instead of
    /// silently jumping, and the consumer records the gap (<see cref="ConsumerGaps"/>).
    /// </summary>
    public static ConsumerConfig Consumer(string bootstrapServers, string groupId, string clientId) => new()
    {
        BootstrapServers = bootstrapServers,
        GroupId = groupId,
        ClientId = clientId,
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Error,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        SessionTimeoutMs = 10_000,
        HeartbeatIntervalMs = 1_000,
        FetchWaitMaxMs = 50,
        LogConnectionClose = false,
    };

    /// <summary>
    /// The platform's bootstrap servers (configured, or the running embedded cluster's), with the four topics created
    /// first when the cluster is a real one (the embedded cluster creates its own).
    /// </summary>
    public static async Task<string> PlatformBootstrapAsync(RhythmicSettings settings)
    {
        var bootstrap = RuntimeState.KafkaBootstrap(settings);
        if (!settings.Kafka.IsEmbedded) await EnsureTopicsAsync(bootstrap, Topics.All, settings.Kafka.Partitions);
        return bootstrap;
    }

    /// <summary>Creates each topic missing from a real cluster (the embedded one creates its topics itself).</summary>
    public static async Task EnsureTopicsAsync(string bootstrapServers, IEnumerable<string> topics, int partitions, short replication = 1)
    {
        KafkaNative.EnsureLoaded();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var existing = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToHashSet();
        var missing = topics.Where(t => !existing.Contains(t))
            .Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = replication }).ToList();
        if (missing.Count == 0) return;
        try { await admin.CreateTopicsAsync(missing); }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists)) { }
    }
}
