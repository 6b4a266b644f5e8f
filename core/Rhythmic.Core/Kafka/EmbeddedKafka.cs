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

    /// <summary>Starts the cluster, creates the topics and records the bootstrap string under the run directory.</summary>
    public static EmbeddedKafka Start(RhythmicSettings settings, ILogger logger)
    {
        var cluster = new MockCluster(settings.Kafka.Brokers);
        foreach (var topic in Topics.All) cluster.CreateTopic(topic, settings.Kafka.Partitions);
        RuntimeState.PublishKafkaBootstrap(settings, cluster.BootstrapServers);
        logger.LogInformation("Embedded Kafka (librdkafka mock cluster, {Brokers} broker(s), {Partitions} partitions per topic, ~5 MB kept per partition) at {Bootstrap}",
            settings.Kafka.Brokers, settings.Kafka.Partitions, cluster.BootstrapServers);
        return new EmbeddedKafka(settings, cluster);
    }

    /// <summary>
    /// Forgets the offsets the platform's consumer groups stored against an earlier embedded cluster: this one starts
    /// every partition at offset 0, and the old offsets would make the speed layer and the lander skip new messages.
    /// </summary>
    public async Task ForgetStoredOffsetsAsync(ILogger logger, CancellationToken ct)
    {
        await using var conn = new Npgsql.NpgsqlConnection(_settings.Postgres.EffectiveConnectionString);
        await conn.OpenAsync(ct);
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
