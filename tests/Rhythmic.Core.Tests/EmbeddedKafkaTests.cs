using System.Text;
using Confluent.Kafka;
using Rhythmic.Core.Kafka;
using Rhythmic.Testing;

namespace Rhythmic.Core.Tests;

public sealed class EmbeddedKafkaTests
{
    private const string Topic = "t";

    [Fact]
    public void Loaded_librdkafka_is_the_version_Confluent_Kafka_needs()
    {
        KafkaNative.EnsureLoaded();
        Assert.Equal(KafkaNative.Version, Library.VersionString);
    }

    [Fact]
    public void A_consumer_group_reads_every_produced_message_once()
    {
        using var cluster = TestKafka.Start(partitions: 3, [Topic]);
        using var producer = TestKafka.Producer(cluster);
        var sent = Enumerable.Range(0, 3000).Select(i => $"m{i}").ToList();
        foreach (var m in sent) producer.Produce(Topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(m), Value = Encoding.UTF8.GetBytes(m) });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));

        var group = TestKafka.NewGroup();
        var received = ConsumeAll(cluster, group, sent.Count);
        Assert.Equal(sent.Order(), received.Order());

        // The group committed: a second member of the same group starts after everything.
        using var again = new ConsumerBuilder<byte[], byte[]>(TestKafka.ReadFromStart(KafkaClients.Consumer(cluster.BootstrapServers, group, "again"))).Build();
        again.Subscribe(Topic);
        var assigned = DateTime.UtcNow;
        ConsumeResult<byte[], byte[]>? extra = null;
        while (DateTime.UtcNow - assigned < TimeSpan.FromSeconds(3) && extra is null) extra = again.Consume(TimeSpan.FromMilliseconds(200));
        Assert.Null(extra);
        again.Close();
    }

    [Fact]
    public async Task A_broker_down_and_up_loses_no_acknowledged_message()
    {
        using var cluster = TestKafka.Start(partitions: 2, [Topic], brokers: 3);
        cluster.SetPartitionLeader(Topic, 0, 1);   // broker 1 leads every partition, so its outage holds every message
        cluster.SetPartitionLeader(Topic, 1, 1);
        using var producer = TestKafka.Producer(cluster);
        var acked = new List<string>();
        async Task ProduceAsync(int from, int count)
        {
            var deliveries = Enumerable.Range(from, count).Select(async i =>
            {
                var r = await producer.ProduceAsync(Topic, new Message<byte[], byte[]> { Key = BitConverter.GetBytes(i), Value = Encoding.UTF8.GetBytes($"m{i}") });
                return r.Status == PersistenceStatus.Persisted ? Encoding.UTF8.GetString(r.Message.Value) : null;
            });
            var delivered = await Task.WhenAll(deliveries);
            lock (acked) acked.AddRange(delivered.OfType<string>());
        }

        await ProduceAsync(0, 500);
        cluster.BrokerDown(1);
        var during = ProduceAsync(500, 500);
        Assert.True(producer.Flush(TimeSpan.FromMilliseconds(500)) > 0, "messages are held, not acknowledged, while their leader is down");
        cluster.BrokerUp(1);
        await during;
        await ProduceAsync(1000, 500);

        Assert.Equal(1500, acked.Count);
        var received = ConsumeAll(cluster, TestKafka.NewGroup(), acked.Count);
        Assert.Equal(acked.Order(), received.Order());
    }

    [Fact]
    public async Task Injected_produce_errors_are_retried_by_the_idempotent_producer()
    {
        using var cluster = TestKafka.Start(partitions: 1, [Topic]);
        cluster.InjectRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut);
        using var producer = TestKafka.Producer(cluster);
        var result = await producer.ProduceAsync(Topic, new Message<byte[], byte[]> { Key = [1], Value = [2] });
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Equal(new byte[] { 2 }, Assert.Single(ConsumeAll(cluster, TestKafka.NewGroup(), 1).Select(s => Encoding.UTF8.GetBytes(s))));
    }

    /// <summary>Consumes until <paramref name="expected"/> messages arrived, committing as it goes.</summary>
    private static List<string> ConsumeAll(MockCluster cluster, string group, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(TestKafka.ReadFromStart(KafkaClients.Consumer(cluster.BootstrapServers, group, "c"))).Build();
        consumer.Subscribe(Topic);
        var received = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            received.Add(Encoding.UTF8.GetString(r.Message.Value));
            consumer.StoreOffset(r);
        }
        consumer.Commit();
        consumer.Close();
        return received;
    }
}

public sealed class EmbeddedKafkaRestartTests
{
    [Fact]
    public async Task A_fresh_embedded_cluster_forgets_the_platforms_offsets_and_only_those()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, """
            insert into serving.speed_offsets(consumer_group, topic, partition, next_offset, max_event_ts) values
              ('rhythmic-speed', 'listen_events', 0, 200, 0), ('someone-else', 'listen_events', 0, 7, 0);
            insert into lake.offsets(consumer_group, topic, kafka_partition, next_offset) values
              ('rhythmic-lander', 'listen_events', 0, 200), ('someone-else', 'listen_events', 0, 7);
            """);
        var settings = Configuration.RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-kafka-").FullName,
            new Dictionary<string, string?> { ["Postgres:ConnectionString"] = cs, ["Kafka:EmbeddedRetentionMB"] = "16" });
        using var kafka = EmbeddedKafka.Start(settings, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        await kafka.ForgetStoredOffsetsAsync(TestPostgres.DataSource(cs), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);

        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from serving.speed_offsets where consumer_group = 'rhythmic-speed'"));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.offsets where consumer_group = 'rhythmic-lander'"));
        Assert.Equal(2, await TestPostgres.ScalarAsync<long>(cs, "select (select count(*) from serving.speed_offsets) + (select count(*) from lake.offsets)"));
    }

    [Fact]
    public async Task A_fresh_embedded_cluster_keeps_the_recorded_gaps_but_lets_its_own_gaps_at_the_same_offsets_be_recorded()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        const string record = "insert into ops.consumer_gaps (consumer_group, topic, partition, first_missing_offset, last_missing_offset, how) values "
            + "('rhythmic-speed', 'listen_events', 0, 0, 99, 'before_first_read'), ('someone-else', 'listen_events', 0, 0, 9, 'before_first_read') "
            + "on conflict (consumer_group, topic, partition, first_missing_offset) where offsets_forgotten_at is null do nothing";
        await TestPostgres.ExecAsync(cs, record);
        await TestPostgres.ExecAsync(cs, record);   // recording again is a no-op
        Assert.Equal(2, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from ops.consumer_gaps"));
        var settings = Configuration.RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-kafka-").FullName,
            new Dictionary<string, string?> { ["Postgres:ConnectionString"] = cs });
        using var kafka = EmbeddedKafka.Start(settings, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        await kafka.ForgetStoredOffsetsAsync(TestPostgres.DataSource(cs), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        await TestPostgres.ExecAsync(cs, record);   // the new cluster's own gap at offset 0 of the platform's group

        Assert.Equal(3, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from ops.consumer_gaps"));
        Assert.Equal(1, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from ops.consumer_gaps where offsets_forgotten_at is not null and consumer_group = 'rhythmic-speed'"));
    }
}
