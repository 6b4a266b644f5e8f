using Confluent.Kafka;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Testing;

namespace Rhythmic.Core.Tests;

public sealed class ConsumerLagProbeTests
{
    [Fact]
    public async Task The_probe_reports_the_slowest_platform_group_per_partition_from_its_stored_offsets()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        using var cluster = TestKafka.Start(partitions: 2, Topics.All);
        using (var producer = TestKafka.Producer(cluster))
        {
            for (var i = 0; i < 100; i++) producer.Produce(new TopicPartition(Topics.Listen, 0), new Message<byte[], byte[]> { Key = [1], Value = [2] });
            for (var i = 0; i < 50; i++) producer.Produce(new TopicPartition(Topics.Listen, 1), new Message<byte[], byte[]> { Key = [1], Value = [2] });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        await TestPostgres.ExecAsync(cs, """
            insert into serving.speed_offsets(consumer_group, topic, partition, next_offset, max_event_ts) values
              ('rhythmic-speed', 'listen_events', 0, 80, 0), ('someone-else', 'listen_events', 1, 0, 0);
            insert into lake.offsets(consumer_group, topic, kafka_partition, next_offset) values
              ('rhythmic-lander', 'listen_events', 0, 30), ('rhythmic-lander', 'listen_events', 1, 50);
            """);
        using var probe = new PostgresConsumerLagProbe(Settings(cs), TestPostgres.DataSource(cs), cluster.BootstrapServers);

        var lags = (await probe.ReadAsync(CancellationToken.None)).ToDictionary(l => (l.Topic, l.Partition));

        Assert.Equal(Topics.All.Count * 2, lags.Count);
        Assert.Equal(new PartitionLag(Topics.Listen, 0, 0, 100, "rhythmic-lander", 30), lags[(Topics.Listen, 0)]);
        // The speed layer stored nothing for partition 1: it has read nothing there (another group's row does not count).
        Assert.Equal(new PartitionLag(Topics.Listen, 1, 0, 50, "rhythmic-speed", 0), lags[(Topics.Listen, 1)]);
        Assert.Equal(50, lags[(Topics.Listen, 1)].Messages);
        Assert.Equal(0, lags[(Topics.PageView, 0)].Messages);
        Assert.DoesNotContain(lags.Values, l => l.Lost);
    }

    [Fact]
    public async Task The_probe_reports_nothing_while_no_platform_group_has_stored_offsets()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        using var cluster = TestKafka.Start(partitions: 1, Topics.All);
        using var probe = new PostgresConsumerLagProbe(Settings(cs), TestPostgres.DataSource(cs), cluster.BootstrapServers);
        Assert.Empty(await probe.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public void A_group_behind_the_log_start_has_lost_messages()
    {
        Assert.True(new PartitionLag("t", 0, LogStartOffset: 100, LogEndOffset: 200, "g", SlowestNextOffset: 40).Lost);
        Assert.False(new PartitionLag("t", 0, 100, 200, "g", 100).Lost);
    }

    private static RhythmicSettings Settings(string cs) => RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-lag-").FullName,
        new Dictionary<string, string?> { ["Postgres:ConnectionString"] = cs });
}
