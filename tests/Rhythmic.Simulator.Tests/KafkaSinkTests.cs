using System.Text;
using Confluent.Kafka;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator.Sinks;
using Rhythmic.Testing;

namespace Rhythmic.Simulator.Tests;

public sealed class KafkaSinkTests
{
    [Fact]
    public async Task Every_event_reaches_its_topic_keyed_by_user_or_session()
    {
        using var cluster = TestKafka.Start(partitions: 2, Topics.All);
        var expected = new MemorySink();
        var options = Sim.Options(users: 40, days: 1, growth: 30);
        await new Simulation(options).RunAsync(expected, CancellationToken.None);
        await using (var sink = new KafkaSink(cluster.BootstrapServers))
        {
            await new Simulation(options).RunAsync(sink, CancellationToken.None);
            Assert.Equal(expected.Events.Count, sink.Acknowledged);
            Assert.Equal(0, sink.Failed);
        }
        var received = Consume(cluster, expected.Events.Count);
        Assert.Equal(
            expected.Events.Select(e => (e.Topic, e.Key, e.Json)).Order(),
            received.Order());
    }

    [Fact]
    public async Task Deliveries_that_fail_while_the_broker_is_down_are_retried_until_acknowledged()
    {
        using var cluster = TestKafka.Start(partitions: 1, Topics.All);
        var expected = new MemorySink();
        var options = Sim.Options(users: 20, days: 0.5);
        await new Simulation(options).RunAsync(expected, CancellationToken.None);
        cluster.BrokerDown(1);
        await using var sink = new KafkaSink(cluster.BootstrapServers, configure: c => { c.MessageTimeoutMs = 1000; c.EnableIdempotence = false; c.Acks = Acks.All; });
        var run = new Simulation(options).RunAsync(sink, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (sink.Retried == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(sink.Retried > 0, "deliveries failed while the broker was down");
        cluster.BrokerUp(1);
        await run;
        Assert.Equal(0, sink.Failed);
        Assert.True(sink.Acknowledged >= expected.Events.Count);
        var received = Consume(cluster, expected.Events.Count, allowDuplicates: true);
        Assert.Equal(expected.Events.Select(e => (e.Topic, e.Key, e.Json)).ToHashSet(), received.ToHashSet());
    }

    private static List<(string Topic, string Key, string Json)> Consume(MockCluster cluster, int count, bool allowDuplicates = false)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(TestKafka.ReadFromStart(KafkaClients.Consumer(cluster.BootstrapServers, TestKafka.NewGroup("sim"), "sim-test"))).Build();
        consumer.Subscribe(Topics.All);
        var received = new List<(string, string, string)>();
        var seen = new HashSet<(string, string, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((allowDuplicates ? seen.Count : received.Count) < count && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            var item = (r.Topic, Encoding.UTF8.GetString(r.Message.Key), Encoding.UTF8.GetString(r.Message.Value));
            received.Add(item);
            seen.Add(item);
        }
        consumer.Close();
        return received;
    }
}
