using Microsoft.Extensions.Logging;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;

namespace Rhythmic.Core.Kafka;

/// <summary>The platform's embedded Kafka: a <see cref="MockCluster"/> with the four topics, published for other processes.</summary>
public sealed class EmbeddedKafka : IDisposable
{
    private readonly RhythmicSettings _settings;
    public MockCluster Cluster { get; }
    public string BootstrapServers => Cluster.BootstrapServers;

    private EmbeddedKafka(RhythmicSettings settings, MockCluster cluster) { _settings = settings; Cluster = cluster; }

    /// <summary>
    /// Starts the cluster, creates the topics and records the bootstrap string under the run directory; refuses a
    /// retention whose worst case the machine's memory cannot hold (see <see cref="EmbeddedKafkaMemory"/>).
    /// </summary>
    public static EmbeddedKafka Start(RhythmicSettings settings, ILogger logger) => Start(settings, logger, MachineMemory.Read());

    /// <summary>Starts the cluster as <see cref="Start(RhythmicSettings, ILogger)"/> does, against <paramref name="machine"/>'s memory.</summary>
    public static EmbeddedKafka Start(RhythmicSettings settings, ILogger logger, MachineMemory machine)
    {
        var memory = new EmbeddedKafkaMemory(Topics.All.Count, settings.Kafka.Partitions, settings.Kafka.EmbeddedRetentionMB, machine);
        if (memory.CannotFit) throw new RhythmicException(memory.Refusal);
        if (memory.MayNotFit)
            logger.LogWarning("Embedded Kafka may come to hold {WorstCaseMB} MB ({Topics} topics x {Partitions} partitions x Kafka:EmbeddedRetentionMB = {RetentionMB} MB) but {AvailableMB} MB of memory is free now; a long run may run out (at most {FittingMB} would fit now)",
                memory.WorstCaseBytes >> 20, memory.Topics, memory.Partitions, memory.RetentionMB, machine.AvailableBytes >> 20, memory.RetentionMBFitting(machine.AvailableBytes));
        var cluster = new MockCluster(settings.Kafka.Brokers, settings.Kafka.EmbeddedRetentionBytes);
        try
        {
            foreach (var topic in Topics.All) cluster.CreateTopic(topic, settings.Kafka.Partitions);
            RuntimeState.PublishKafkaBootstrap(settings, cluster.BootstrapServers);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
        logger.LogInformation("Embedded Kafka (librdkafka mock cluster, {Brokers} broker(s), {Partitions} partitions per topic, {RetentionMB} MB kept per partition: at most {WorstCaseMB} MB of the machine's {TotalMB} MB, {AvailableMB} MB free) at {Bootstrap}",
            settings.Kafka.Brokers, settings.Kafka.Partitions, memory.RetentionMB, memory.WorstCaseBytes >> 20, machine.TotalBytes >> 20, machine.AvailableBytes >> 20, cluster.BootstrapServers);
        return new EmbeddedKafka(settings, cluster);
    }

    /// <summary>
    /// Forgets the offsets the platform's consumer groups stored against an earlier embedded cluster: this one starts
    /// every partition at offset 0, and the old offsets would make the speed layer and the lander skip new messages.
    /// </summary>
    public async Task ForgetStoredOffsetsAsync(Npgsql.NpgsqlDataSource dataSource, ILogger logger, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new Npgsql.NpgsqlCommand(SqlResources.Read(typeof(EmbeddedKafka).Assembly, "core/forget_embedded_offsets.sql"), conn)
        {
            Parameters = { new() { Value = _settings.Speed.ConsumerGroup }, new() { Value = _settings.Lander.ConsumerGroup } },
        };
        var forgotten = (long)(await cmd.ExecuteScalarAsync(ct))!;
        if (forgotten > 0)
            logger.LogInformation("Forgot {Count} offsets stored against an earlier embedded Kafka (this one starts every partition at 0)", forgotten);
    }

    public void Dispose()
    {
        RuntimeState.RetractKafkaBootstrap(_settings, Cluster.BootstrapServers);
        Cluster.Dispose();
    }
}
