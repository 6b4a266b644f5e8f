using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Lake.Landing;
using Rhythmic.Lake.Storage;
using Rhythmic.Parquet;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>A private Kafka, PostgreSQL database and lake directory for one test, with helpers to produce and check events.</summary>
internal sealed class LakeTestKit : IAsyncDisposable
{
    public static readonly DateTimeOffset BaseHour = new(2024, 3, 10, 8, 0, 0, TimeSpan.Zero);

    public MockCluster Cluster { get; }
    public string ConnectionString { get; }
    public string LakeDir { get; }
    public LocalLakeStorage Storage { get; }
    public LakeManifest Manifest { get; }
    public string Group { get; } = TestKafka.NewGroup("lander");
    /// <summary>What the kit's landers logged.</summary>
    public CapturingLogger Log { get; } = new();
    private readonly IProducer<byte[], byte[]> _producer;

    private LakeTestKit(MockCluster cluster, string cs)
    {
        Cluster = cluster;
        ConnectionString = cs;
        LakeDir = Directory.CreateTempSubdirectory("rhythmic-lake-").FullName;
        Storage = new LocalLakeStorage(LakeDir);
        Manifest = new LakeManifest(TestPostgres.DataSource(cs));
        _producer = TestKafka.Producer(cluster);
    }

    public static async Task<LakeTestKit> StartAsync(int partitions = 4, long retentionBytes = MockCluster.DefaultRetentionBytes)
        => new(TestKafka.Start(partitions, Topics.All, retentionBytes: retentionBytes), await TestPostgres.CreateDatabaseAsync());

    /// <summary>A listen event whose sessionId identifies it; logged-in users every other event so optional fields vary.</summary>
    public static string ListenJson(long id, long ts, int padBytes = 0)
    {
        var user = id % 2 == 0
            ? string.Create(CultureInfo.InvariantCulture, $",\"userId\":{id % 97 + 1},\"firstName\":\"Zoë\",\"lastName\":\"O'Neil\",\"gender\":\"F\",\"registration\":1700000000000")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"ts\":{ts},\"sessionId\":{id},\"level\":\"free\",\"itemInSession\":{id % 50},\"city\":\"Tulsa\",\"zip\":\"07410\",\"state\":\"OK\",\"userAgent\":\"Mozilla/5.0{new string('x', padBytes)}\",\"lon\":-95.99,\"lat\":36.15{user},\"artist\":\"Artist {id % 13}\",\"song\":\"Song {id % 101}\",\"duration\":{200 + id % 60}.5,\"auth\":\"{(id % 2 == 0 ? "Logged In" : "Logged Out")}\"}}");
    }

    /// <summary>Produces listen events with ids [from, from+count), event times spread over <paramref name="hours"/> hours from <see cref="BaseHour"/>.</summary>
    public void ProduceListens(long from, int count, int hours = 3, DateTimeOffset? at = null, int padBytes = 0)
    {
        var start = (at ?? BaseHour).ToUnixTimeMilliseconds();
        var span = hours * 3_600_000L;
        for (var i = 0; i < count; i++)
        {
            var id = from + i;
            var ts = start + span * i / Math.Max(1, count);
            Produce(Topics.Listen, id.ToString(CultureInfo.InvariantCulture), ListenJson(id, ts, padBytes));
        }
        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    public void Produce(string topic, string key, string json)
        => _producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(json) });

    public void Flush() => _producer.Flush(TimeSpan.FromSeconds(30));

    public Lander NewLander(Action<LanderCrashPoint>? hook = null, string? clientId = null, TimeSpan? rollAge = null, long rollBytes = 64L << 20,
        ParquetCodec codec = ParquetCodec.Snappy, long backlogMessages = 10_000, ILanderWatcher? watcher = null) => new(
        new LanderOptions
        {
            BootstrapServers = Cluster.BootstrapServers, ConsumerGroup = Group, ClientId = clientId ?? "lander-" + Guid.NewGuid().ToString("N")[..6],
            RollAge = rollAge ?? TimeSpan.FromMilliseconds(300), RollBytes = rollBytes, RowGroupRows = 500, Codec = codec, AllowedLateness = TimeSpan.FromMinutes(5),
            BacklogMessages = backlogMessages,
            Parser = new EventParserOptions { MaxFutureSeconds = int.MaxValue },
        },
        hook is null ? Storage : new CrashPointStorage(Storage, hook), Manifest, Log) { Watcher = watcher };

    /// <summary>Rows recorded by the manifest plus dead letters of the group.</summary>
    public async Task<long> AccountedAsync()
        => await TestPostgres.ScalarAsync<long>(ConnectionString, "select coalesce(sum(row_count), 0)::bigint from lake.files")
           + await TestPostgres.ScalarAsync<long>(ConnectionString, $"select count(*) from serving.dead_letters where consumer_group = '{Group}'");

    /// <summary>Waits (with a deadline) until <paramref name="condition"/> holds; a timeout says <paramref name="state"/>.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}." + (state is null ? "" : $" {state()}"));
            await Task.Delay(50);
        }
    }

    /// <summary>Every .parquet file on disk under raw/, each read completely: (path, sessionId, _partition, _offset) rows.</summary>
    public List<(string Path, long SessionId, int Partition, long Offset)> ReadEveryFile()
    {
        var rows = new List<(string, long, int, long)>();
        foreach (var path in Storage.List("raw").Where(p => p.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            using var reader = ParquetReader.Open(Storage.FullPath(path));
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var cols = reader.ReadRowGroup(g, ["sessionId", EventTable.PartitionColumn, EventTable.OffsetColumn]);
                for (var r = 0; r < cols[0].Count; r++) rows.Add((path, cols[0].GetInt64(r), cols[1].GetInt32(r), cols[2].GetInt64(r)));
            }
        }
        return rows;
    }

    /// <summary>
    /// Every .parquet file under raw/ read by Parquet.Net, asserted equal value for value to our own reader's reading;
    /// Parquet.Net's rows come back by column name, to check against what was produced.
    /// </summary>
    public async Task<List<Dictionary<string, object?>>> ReadEveryFileWithParquetNetAsync()
    {
        var rows = new List<Dictionary<string, object?>>();
        foreach (var path in Storage.List("raw").Where(p => p.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            var full = Storage.FullPath(path);
            await ParquetNetReader.AssertAgreesWithOursAsync(full);
            var table = await ParquetNetReader.ReadAsync(full);
            rows.AddRange(table.Rows.Select(r => table.Fields.Select((f, i) => (f.Name, Value: r[i])).ToDictionary(x => x.Name, x => x.Value)));
        }
        return rows;
    }

    /// <summary>
    /// Asserts that a row read back holds the fields <see cref="ListenJson"/> gave the event with its sessionId:
    /// UTF-8 text, nulls of the optional user fields, doubles, timestamps.
    /// </summary>
    public static void AssertIsTheProducedListen(IReadOnlyDictionary<string, object?> row)
    {
        var id = (long)row["sessionId"]!;
        var loggedIn = id % 2 == 0;
        Assert.Equal("free", row["level"]);
        Assert.Equal((int)(id % 50), row["itemInSession"]);
        Assert.Equal("Tulsa", row["city"]);
        Assert.Equal("07410", row["zip"]);
        Assert.Equal(-95.99, row["lon"]);
        Assert.Equal(36.15, row["lat"]);
        Assert.Equal(loggedIn ? id % 97 + 1 : null, row["userId"]);
        Assert.Equal(loggedIn ? "Zoë" : null, row["firstName"]);
        Assert.Equal(loggedIn ? "O'Neil" : null, row["lastName"]);
        Assert.Equal(loggedIn ? 1_700_000_000_000L : null, row["registration"]);
        Assert.Equal($"Artist {id % 13}", row["artist"]);
        Assert.Equal($"Song {id % 101}", row["song"]);
        Assert.Equal(200 + id % 60 + 0.5, row["duration"]);
        Assert.Equal(loggedIn ? "Logged In" : "Logged Out", row["auth"]);
        // Tests produce from an hour before BaseHour (late events) to a few days after it (backlogs).
        Assert.InRange((long)row["ts"]!, BaseHour.AddHours(-1).ToUnixTimeMilliseconds(), BaseHour.AddDays(7).ToUnixTimeMilliseconds());
    }

    public async ValueTask DisposeAsync()
    {
        _producer.Dispose();
        Cluster.Dispose();
        await Task.CompletedTask;
        try { Directory.Delete(LakeDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The partitions a lander last said it owns.</summary>
public sealed class OwnedPartitions : ILanderWatcher
{
    public IReadOnlyCollection<(string Topic, int Partition)> Partitions { get; private set; } = [];
    public void Owned(IReadOnlyCollection<(string Topic, int Partition)> partitions) => Partitions = partitions;
    public void Read(IReadOnlyDictionary<(string Topic, int Partition), long> next) { }
}
