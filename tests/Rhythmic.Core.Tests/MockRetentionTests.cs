using System.Text;
using Confluent.Kafka;
using Rhythmic.Core.Kafka;
using Rhythmic.Testing;

namespace Rhythmic.Core.Tests;

/// <summary>The patched mock cluster keeps what its configured retention says, no more and no less.</summary>
public sealed class MockRetentionTests
{
    private const string Topic = "t";
    private const int MessageBytes = 1000;

    [Fact]
    public void A_partition_with_a_64_MB_retention_keeps_20_MB_and_serves_all_of_it_from_offset_0()
    {
        using var cluster = TestKafka.Start(partitions: 1, [Topic], retentionBytes: 64L << 20);
        const int count = 20 * 1024;   // 20 MB of 1,000-byte messages: four times the mock's old 5 MB
        Produce(cluster, 0, count);

        var (low, high) = Watermarks(cluster);
        Assert.Equal((0, count), (low, high));
        var received = ReadFromStart(cluster, count);
        Assert.Equal(Enumerable.Range(0, count), received);
    }

    [Fact]
    public void A_1_MB_retention_deletes_the_oldest_messages_and_moves_the_log_start()
    {
        using var cluster = TestKafka.Start(partitions: 1, [Topic], retentionBytes: 1L << 20);
        const int count = 5 * 1024;
        Produce(cluster, 0, count);

        var (low, high) = Watermarks(cluster);
        Assert.Equal(count, high);
        Assert.True(low > 0, "the oldest messages were deleted");
        Assert.True((high - low) * MessageBytes <= 2L << 20, $"about 1 MB is left (offsets {low}..{high})");
    }

    [Fact]
    public void Lowering_the_retention_of_a_running_cluster_trims_its_partitions_at_once()
    {
        using var cluster = TestKafka.Start(partitions: 1, [Topic], retentionBytes: 64L << 20);
        Produce(cluster, 0, 5 * 1024);
        Assert.Equal(0, Watermarks(cluster).Low);

        cluster.SetRetention(1L << 20);

        // SetRetention returns once the cluster's thread applied it.
        Assert.Equal(1L << 20, cluster.RetentionBytes);
        Assert.True(Watermarks(cluster).Low > 0, "the partition was trimmed to the new retention");
    }

    [Fact]
    public void A_retention_below_one_byte_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MockCluster(1, retentionBytes: 0));
    }

    private static void Produce(MockCluster cluster, int from, int count)
    {
        using var producer = TestKafka.Producer(cluster);
        for (var i = from; i < from + count; i++)
        {
            var value = new byte[MessageBytes];
            BitConverter.TryWriteBytes(value, i);
            producer.Produce(Topic, new Message<byte[], byte[]> { Key = [], Value = value });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
    }

    private static (long Low, long High) Watermarks(MockCluster cluster)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaClients.Consumer(cluster.BootstrapServers, TestKafka.NewGroup(), "wm")).Build();
        var w = consumer.QueryWatermarkOffsets(new TopicPartition(Topic, 0), TimeSpan.FromSeconds(10));
        return (w.Low.Value, w.High.Value);
    }

    /// <summary>Reads partition 0 from offset 0 until <paramref name="count"/> messages arrived (or a deadline), returning their numbers.</summary>
    private static List<int> ReadFromStart(MockCluster cluster, int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClients.Consumer(cluster.BootstrapServers, TestKafka.NewGroup(), "all")).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, 0, 0));
        var received = new List<int>(count);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            Assert.Equal(received.Count, r.Offset.Value);
            received.Add(BitConverter.ToInt32(r.Message.Value));
        }
        return received;
    }
}
