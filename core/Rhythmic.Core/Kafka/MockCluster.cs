using System.Runtime.InteropServices;
using System.Text;

namespace Rhythmic.Core.Kafka;

/// <summary>
/// An in-process Kafka cluster: librdkafka's mock cluster, which speaks the real protocol (consumer groups included)
/// on loopback ports. Each partition keeps its newest <see cref="RetentionBytes"/> in memory (our patch of the mock,
/// core/Rhythmic.Core/Kafka/librdkafka-mock-retention.patch; older messages are deleted and the log start offset moves)
/// and serves consumers at roughly 15-30K messages/s, so it suits tests and the embedded default, not production:
/// use real Kafka there.
/// </summary>
public sealed partial class MockCluster : IDisposable
{
    private IntPtr _handle;     // rd_kafka_t* that owns the cluster
    private IntPtr _cluster;    // rd_kafka_mock_cluster_t*

    /// <summary>The "host:port,..." string clients connect to.</summary>
    public string BootstrapServers { get; }

    /// <summary>Broker ids are 1..<see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>What each partition keeps unless told otherwise: 1 GiB, used only as messages arrive.</summary>
    public const long DefaultRetentionBytes = 1L << 30;

    /// <summary>The most a partition's log holds (message bytes plus about 60 bytes per message set); older messages are deleted.</summary>
    public long RetentionBytes { get; private set; }

    /// <summary>
    /// Starts a cluster of <paramref name="brokers"/> brokers on loopback whose partitions each keep their newest
    /// <paramref name="retentionBytes"/>.
    /// </summary>
    public MockCluster(int brokers = 1, long retentionBytes = DefaultRetentionBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionBytes, 1);
        KafkaNative.EnsureLoaded();
        var conf = Native.rd_kafka_conf_new();
        // The owning handle is a producer that never produces; keep its logging quiet.
        Set(conf, "log_level", "3");
        var err = new byte[512];
        _handle = Native.rd_kafka_new(0 /* RD_KAFKA_PRODUCER */, conf, err, (UIntPtr)err.Length);
        if (_handle == IntPtr.Zero)
            throw new RhythmicException("Could not create the mock cluster's handle: " + Decode(err));
        _cluster = Native.rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            Native.rd_kafka_destroy(_handle);
            throw new RhythmicException("librdkafka could not create a mock cluster.");
        }
        BrokerCount = brokers;
        BootstrapServers = Marshal.PtrToStringUTF8(Native.rd_kafka_mock_cluster_bootstraps(_cluster))!;
        try
        {
            SetRetention(retentionBytes);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets how much each partition keeps, for existing partitions (trimmed at once) and topics created later. Only
    /// bytes bound the log: the mock's own limit of 100,000 message sets per partition is lifted.
    /// </summary>
    public void SetRetention(long retentionBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionBytes, 1);
        int err;
        try
        {
            err = Native.rd_kafka_mock_set_partition_retention(Cluster, (UIntPtr)(ulong)retentionBytes, UIntPtr.Zero /* no count limit */);
        }
        catch (EntryPointNotFoundException)
        {
            throw new RhythmicException(
                $"{KafkaNative.EnsureLoaded()} lacks Rhythmic's mock retention patch (rd_kafka_mock_set_partition_retention): run ./setup.sh to rebuild it.");
        }
        Check(err, $"set the retention to {retentionBytes} bytes per partition");
        RetentionBytes = retentionBytes;
    }

    /// <summary>Creates a topic (replication factor is capped by the broker count).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
        => Check(Native.rd_kafka_mock_topic_create(Cluster, topic, partitions, Math.Min(replicationFactor, BrokerCount)), $"create topic {topic}");

    /// <summary>Takes a broker down: its connections close and it refuses new ones until <see cref="BrokerUp"/>.</summary>
    public void BrokerDown(int brokerId) => Check(Native.rd_kafka_mock_broker_set_down(Cluster, brokerId), $"take broker {brokerId} down");

    /// <summary>Brings a broker back.</summary>
    public void BrokerUp(int brokerId) => Check(Native.rd_kafka_mock_broker_set_up(Cluster, brokerId), $"bring broker {brokerId} up");

    /// <summary>Makes the next <paramref name="errors"/>.Length requests of <paramref name="apiKey"/> fail with these error codes, in order.</summary>
    public void InjectRequestErrors(KafkaApiKey apiKey, params Confluent.Kafka.ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        Native.rd_kafka_mock_push_request_errors_array(Cluster, (short)apiKey, (UIntPtr)codes.Length, codes);
    }

    /// <summary>Forgets injected errors not yet consumed for <paramref name="apiKey"/>.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey) => Native.rd_kafka_mock_clear_request_errors(Cluster, (short)apiKey);

    /// <summary>Moves the leadership of a partition to another broker.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
        => Check(Native.rd_kafka_mock_partition_set_leader(Cluster, topic, partition, brokerId), $"move leader of {topic}[{partition}]");

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero) { Native.rd_kafka_mock_cluster_destroy(_cluster); _cluster = IntPtr.Zero; }
        if (_handle != IntPtr.Zero) { Native.rd_kafka_destroy(_handle); _handle = IntPtr.Zero; }
    }

    private IntPtr Cluster => _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(MockCluster));

    private static void Check(int err, string what)
    {
        if (err != 0) throw new RhythmicException($"Mock cluster could not {what}: {(Confluent.Kafka.ErrorCode)err}.");
    }

    private static void Set(IntPtr conf, string key, string value)
    {
        var err = new byte[512];
        if (Native.rd_kafka_conf_set(conf, key, value, err, (UIntPtr)err.Length) != 0)
            throw new RhythmicException($"librdkafka rejected {key}={value}: {Decode(err)}");
    }

    private static string Decode(byte[] buffer) => Encoding.UTF8.GetString(buffer, 0, Math.Max(0, Array.IndexOf(buffer, (byte)0)));

    private static partial class Native
    {
        [LibraryImport(KafkaNative.LibraryName)] internal static partial IntPtr rd_kafka_conf_new();
        [LibraryImport(KafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial void rd_kafka_destroy(IntPtr rk);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);
        [LibraryImport(KafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);
        [LibraryImport(KafkaNative.LibraryName)]
        internal static partial void rd_kafka_mock_push_request_errors_array(IntPtr cluster, short apiKey, UIntPtr count, int[] errors);
        [LibraryImport(KafkaNative.LibraryName)] internal static partial void rd_kafka_mock_clear_request_errors(IntPtr cluster, short apiKey);
        [LibraryImport(KafkaNative.LibraryName)]
        internal static partial int rd_kafka_mock_set_partition_retention(IntPtr cluster, UIntPtr maxBytes, UIntPtr maxMsgsets);
        [LibraryImport(KafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int rd_kafka_mock_partition_set_leader(IntPtr cluster, string topic, int partition, int brokerId);
    }
}

/// <summary>Kafka protocol request kinds, for error injection.</summary>
public enum KafkaApiKey : short
{
    Produce = 0, Fetch = 1, ListOffsets = 2, Metadata = 3, OffsetCommit = 8, OffsetFetch = 9,
    FindCoordinator = 10, JoinGroup = 11, Heartbeat = 12, LeaveGroup = 13, SyncGroup = 14, InitProducerId = 22,
}
