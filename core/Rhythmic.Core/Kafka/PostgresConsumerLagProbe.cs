using Confluent.Kafka;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;

namespace Rhythmic.Core.Kafka;

/// <summary>
/// The platform's consumer lag: the speed layer and the lander store their offsets in PostgreSQL with their data
/// (serving.speed_offsets, lake.offsets), not in Kafka, so the slowest of them is read there and set against the
/// partitions' watermarks from Kafka. A group counts once it stored an offset; on a partition it stored none for
/// it has read nothing there yet.
/// </summary>
public sealed class PostgresConsumerLagProbe : IConsumerLagProbe, IDisposable
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(5);
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _speedGroup;
    private readonly string _landerGroup;
    private readonly IReadOnlyList<string> _topics;
    private readonly IAdminClient _admin;
    private readonly IConsumer<Ignore, Ignore> _watermarks;
    private readonly Dictionary<string, int> _partitions = [];
    private readonly string _sql = SqlResources.Read(typeof(PostgresConsumerLagProbe).Assembly, "core/consumer_offsets.sql");

    /// <summary>A probe of the platform's consumer groups (from <paramref name="settings"/>, their offsets read through <paramref name="dataSource"/>) on <paramref name="bootstrapServers"/>.</summary>
    public PostgresConsumerLagProbe(RhythmicSettings settings, NpgsqlDataSource dataSource, string bootstrapServers, IReadOnlyList<string>? topics = null)
    {
        KafkaNative.EnsureLoaded();
        _dataSource = dataSource;
        _speedGroup = settings.Speed.ConsumerGroup;
        _landerGroup = settings.Lander.ConsumerGroup;
        _topics = topics ?? Topics.All;
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers, LogConnectionClose = false }).Build();
        // Only asks for watermarks: never subscribes, joins or commits.
        _watermarks = new ConsumerBuilder<Ignore, Ignore>(KafkaClients.Consumer(bootstrapServers, "rhythmic-lag-probe", "rhythmic-lag-probe")).Build();
    }

    public async Task<IReadOnlyList<PartitionLag>> ReadAsync(CancellationToken ct)
    {
        var stored = new Dictionary<(string Group, string Topic, int Partition), long>();
        await using (var conn = await _dataSource.OpenConnectionAsync(ct))
        {
            await using var cmd = new NpgsqlCommand(_sql, conn) { Parameters = { new() { Value = _speedGroup }, new() { Value = _landerGroup } } };
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                stored[(reader.GetString(0), reader.GetString(1), reader.GetInt32(2))] = reader.GetInt64(3);
        }
        var groups = stored.Keys.Select(k => k.Group).Distinct().Order(StringComparer.Ordinal).ToList();
        if (groups.Count == 0) return [];

        var lags = new List<PartitionLag>();
        foreach (var topic in _topics)
        {
            for (var p = 0; p < PartitionsOf(topic); p++)
            {
                ct.ThrowIfCancellationRequested();
                var w = _watermarks.QueryWatermarkOffsets(new TopicPartition(topic, p), KafkaTimeout);
                var slowest = groups
                    .Select(g => (Group: g, Next: stored.TryGetValue((g, topic, p), out var next) ? next : w.Low.Value))
                    .MinBy(x => x.Next);
                lags.Add(new PartitionLag(topic, p, w.Low.Value, w.High.Value, slowest.Group, slowest.Next));
            }
        }
        return lags;
    }

    /// <summary>The topic's partition count, from the cluster's metadata once it has the topic.</summary>
    private int PartitionsOf(string topic)
    {
        if (_partitions.TryGetValue(topic, out var n)) return n;
        var meta = _admin.GetMetadata(topic, KafkaTimeout).Topics.FirstOrDefault(t => t.Topic == topic);
        n = meta is null || meta.Error.IsError ? 0 : meta.Partitions.Count;
        if (n > 0) _partitions[topic] = n;
        return n;
    }

    public void Dispose()
    {
        _watermarks.Dispose();
        _admin.Dispose();
    }
}
