using Confluent.Kafka;
using Rhythmic.Core.Kafka;

namespace Rhythmic.Testing;

/// <summary>Embedded Kafka for tests: a mock cluster per test, with the topics it needs, and small client helpers.</summary>
public static class TestKafka
{
    /// <summary>
    /// A mock cluster of <paramref name="brokers"/> brokers with each topic created with <paramref name="partitions"/>
    /// partitions, each keeping its newest <paramref name="retentionBytes"/>.
    /// </summary>
    public static MockCluster Start(int partitions, IEnumerable<string> topics, int brokers = 1, long retentionBytes = MockCluster.DefaultRetentionBytes)
    {
        var cluster = new MockCluster(brokers, retentionBytes);
        foreach (var topic in topics) cluster.CreateTopic(topic, partitions, replicationFactor: brokers);
        return cluster;
    }

    /// <summary>A producer with the platform's settings.</summary>
    public static IProducer<byte[], byte[]> Producer(MockCluster cluster)
        => new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(cluster.BootstrapServers, "test-producer")).Build();

    /// <summary>
    /// <paramref name="config"/> reading from the start of the log when the group has no offset committed in Kafka, for
    /// tests that consume with Kafka's own offsets (the platform's consumers keep theirs in PostgreSQL and run with
    /// auto.offset.reset=error, which would fail such a group's first fetch).
    /// </summary>
    public static ConsumerConfig ReadFromStart(ConsumerConfig config)
    {
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        return config;
    }

    /// <summary>The log start (first offset still held) and end (next offset to be written) of a partition.</summary>
    public static (long Start, long End) LogBounds(MockCluster cluster, string topic, int partition)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClients.Consumer(cluster.BootstrapServers, NewGroup("bounds"), "bounds")).Build();
        var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10));
        return (w.Low.Value, w.High.Value);
    }

    /// <summary>A unique consumer group name for one test.</summary>
    public static string NewGroup(string prefix = "test") => $"{prefix}-{Guid.NewGuid():N}";
}
