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

    /// <summary>A unique consumer group name for one test.</summary>
    public static string NewGroup(string prefix = "test") => $"{prefix}-{Guid.NewGuid():N}";
}
