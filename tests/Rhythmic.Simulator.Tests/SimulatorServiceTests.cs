using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator.Hosting;
using Rhythmic.Testing;

namespace Rhythmic.Simulator.Tests;

public sealed class SimulatorServiceTests
{
    [Fact]
    public async Task The_live_simulation_of_up_feeds_the_kafka_topics_until_stopped()
    {
        using var cluster = TestKafka.Start(partitions: 2, Topics.All);
        var settings = new RhythmicSettings { Home = Path.GetTempPath() };
        settings.Kafka.BootstrapServers = cluster.BootstrapServers;
        settings.Simulator.UpUsers = 5000;
        settings.Simulator.Speed = 120;   // two simulated minutes per second: events arrive at once
        var service = new SimulatorService(settings, NullLogger<SimulatorService>.Instance);
        await service.StartAsync(CancellationToken.None);
        try
        {
            using var consumer = new ConsumerBuilder<byte[], byte[]>(TestKafka.ReadFromStart(KafkaClients.Consumer(cluster.BootstrapServers, TestKafka.NewGroup("up"), "up-test"))).Build();
            consumer.Subscribe(Topics.All);
            var topics = new HashSet<string>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(topics.Contains(Topics.PageView) && topics.Contains(Topics.Listen)) && DateTime.UtcNow < deadline)
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } r) topics.Add(r.Topic);
            consumer.Close();
            Assert.Contains(Topics.PageView, topics);
            Assert.Contains(Topics.Listen, topics);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Nothing_is_simulated_when_run_in_up_is_off()
    {
        var settings = new RhythmicSettings { Home = Path.GetTempPath() };
        settings.Simulator.RunInUp = false;
        using var service = new SimulatorService(settings, NullLogger<SimulatorService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!;
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }
}
