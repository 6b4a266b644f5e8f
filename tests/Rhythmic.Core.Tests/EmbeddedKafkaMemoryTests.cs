using Microsoft.Extensions.Logging;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Kafka;
using Rhythmic.Testing;

namespace Rhythmic.Core.Tests;

public sealed class EmbeddedKafkaMemoryTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void The_worst_case_is_every_partition_of_every_topic_full()
    {
        var m = new EmbeddedKafkaMemory(Topics: 4, Partitions: 4, RetentionMB: 1280, new MachineMemory(64 * GiB, 64 * GiB));
        Assert.Equal(20 * GiB, m.WorstCaseBytes);
        Assert.False(m.CannotFit);
        Assert.False(m.MayNotFit);
    }

    [Fact]
    public void A_worst_case_beyond_the_machines_memory_is_refused_naming_the_key_and_a_value_that_fits()
    {
        var m = new EmbeddedKafkaMemory(4, 4, 1280, new MachineMemory(16 * GiB, 12 * GiB));
        Assert.True(m.CannotFit);
        Assert.Equal(1024, m.RetentionMBFitting(16 * GiB));
        Assert.Contains("Kafka:EmbeddedRetentionMB = 1280 lets the embedded Kafka hold up to 20480 MB (4 topics x 4 partitions x 1280 MB), more than this machine's 16384 MB", m.Refusal);
        Assert.Contains("set Kafka:EmbeddedRetentionMB to at most 1024", m.Refusal);
        Assert.DoesNotContain('\n', m.Refusal);
    }

    [Fact]
    public void A_worst_case_beyond_the_memory_free_now_is_only_a_warning()
    {
        var m = new EmbeddedKafkaMemory(4, 4, 1280, new MachineMemory(32 * GiB, 8 * GiB));
        Assert.False(m.CannotFit);
        Assert.True(m.MayNotFit);
    }

    [Fact]
    public void The_embedded_kafka_refuses_to_start_when_its_retention_cannot_fit()
    {
        var settings = RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-kafka-").FullName);
        var e = Assert.Throws<RhythmicException>(() => EmbeddedKafka.Start(settings, new CapturingLogger(), new MachineMemory(4 * GiB, 4 * GiB)));
        Assert.Contains("Kafka:EmbeddedRetentionMB", e.Message);
    }

    [Fact]
    public void The_embedded_kafka_warns_when_its_retention_may_not_fit_and_says_what_it_keeps()
    {
        var settings = RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-kafka-").FullName,
            new Dictionary<string, string?> { ["Kafka:EmbeddedRetentionMB"] = "16" });
        var log = new CapturingLogger();
        using (var kafka = EmbeddedKafka.Start(settings, log, new MachineMemory(4 * GiB, 128L << 20)))
        {
            Assert.Equal(16L << 20, kafka.Cluster.RetentionBytes);
        }
        Assert.True(log.Has(LogLevel.Warning, "may come to hold 256 MB"), string.Join("\n", log.Entries));
        Assert.True(log.Has(LogLevel.Information, "16 MB kept per partition"), string.Join("\n", log.Entries));
    }

    [Fact]
    public void The_machines_memory_is_read()
    {
        var m = MachineMemory.Read();
        Assert.True(m.TotalBytes > 0);
        Assert.InRange(m.AvailableBytes, 1, m.TotalBytes);
    }
}
