using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator;
using Rhythmic.Simulator.Sinks;
using Rhythmic.Testing;
using Xunit.Abstractions;

namespace Rhythmic.Cli.Tests;

/// <summary>
/// A crash soak of the front door's long-running verbs: <c>rhythmic infra kafka</c>, <c>rhythmic land</c> and
/// <c>rhythmic speed</c> run as processes of their own on a private PostgreSQL database and lake; over 100,000 simulated
/// events go through them while the lander and the speed layer are each killed with SIGKILL at random moments (seeded,
/// chosen by how far their stored offsets have got) and started again. In the end the lake and the serving tables hold
/// every produced event exactly once.
/// </summary>
public sealed partial class CrashSoakTests(ITestOutputHelper output)
{
    private const int Partitions = 4;       // the platform's default: ~8 MB of page views per partition, past upstream librdkafka's 5 MB
    private const int RetentionMB = 256;    // Kafka:EmbeddedRetentionMB: the soak needs the patched mock to keep every event
    private const int KillsEach = 3;
    /// <summary>Seeds the kill moments; RHYTHMIC_SOAK_SEED=n soaks other moments (the outcome must not change).</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("RHYTHMIC_SOAK_SEED"), out var s) ? s : 15;
    private const string LanderGroup = "rhythmic-lander";
    private const string SpeedGroup = "rhythmic-speed";

    private static readonly SimulationOptions Simulated = new()
    {
        // Twelve busy hours of many users: over 100,000 events in few (topic, partition, hour) files.
        Users = 36_000, From = new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero),
        Seed = 42, Workers = 1,
    };

    [GeneratedRegex(@"^[A-Za-z0-9.\-]+:\d+(,[A-Za-z0-9.\-]+:\d+)*$")]
    private static partial Regex BootstrapLine();

    /// <summary>Counts and sums of event times per topic, of the events handed to a sink.</summary>
    private sealed class Tally
    {
        public readonly Dictionary<string, (long Count, long SumTs)> ByTopic = Topics.All.ToDictionary(t => t, _ => (0L, 0L));
        public long Total => ByTopic.Values.Sum(v => v.Count);

        public void Add(string topic, long ts)
        {
            var (count, sum) = ByTopic[topic];
            ByTopic[topic] = (count + 1, sum + ts);
        }
    }

    /// <summary>Counts what it is given, to know the produced events independently of Kafka, the lake and the serving store.</summary>
    private sealed class TallySink(Tally tally) : IEventSink
    {
        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs) => tally.Add(topic, timestampMs);
        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>
    /// Passes events to Kafka in slices: before event number <c>boundaries[i]</c> it flushes and waits until the test
    /// opens gate i. Kill i of each service is planned inside slice i, so neither service can run past its kill point
    /// (and catch up with the whole stream) before it was killed there: every planned kill happens.
    /// </summary>
    private sealed class SlicedSink(KafkaSink inner, Tally tally, long[] boundaries, SemaphoreSlim[] gates, CancellationToken ct) : IEventSink
    {
        private long _written;
        private int _slice;

        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            if (_slice < boundaries.Length && _written == boundaries[_slice])
            {
                inner.FlushAsync(ct).GetAwaiter().GetResult();
                gates[_slice++].Wait(ct);
            }
            inner.Write(topic, key, json, timestampMs);
            tally.Add(topic, timestampMs);
            _written++;
        }

        public Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>One of the killed services: its verb, its incarnations, when to kill it next.</summary>
    private sealed class Victim(string verb, string progressSql, long[] killAt)
    {
        public string Verb { get; } = verb;
        public string ProgressSql { get; } = progressSql;
        public long[] KillAt { get; } = killAt;
        public ChildProcess? Process { get; set; }
        public int Incarnation { get; set; }
        public int Kills { get; set; }
        public long StartedAt { get; set; }
    }

    [Fact]
    public async Task The_lander_and_the_speed_layer_killed_at_random_moments_lose_and_duplicate_nothing()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var root = Directory.CreateTempSubdirectory("rhythmic-soak-").FullName;
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        var lake = Path.Combine(root, "lake");
        var logs = Directory.CreateDirectory(Path.Combine(root, "logs")).FullName;
        var cs = await TestPostgres.CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["RHYTHMIC_HOME"] = home,
            ["RHYTHMIC__POSTGRES__CONNECTIONSTRING"] = cs,
            ["RHYTHMIC__KAFKA__PARTITIONS"] = Partitions.ToString(CultureInfo.InvariantCulture),
            ["RHYTHMIC__KAFKA__EMBEDDEDRETENTIONMB"] = RetentionMB.ToString(CultureInfo.InvariantCulture),
            ["RHYTHMIC__LAKE__ROOT"] = lake,
            // Small, frequent checkpoints: many files and commits for a kill to fall between.
            ["RHYTHMIC__LANDER__ROLLSECONDS"] = "1",
            ["RHYTHMIC__LANDER__ROLLBYTES"] = "2000000",
            ["RHYTHMIC__LANDER__ROWGROUPROWS"] = "500",
        };
        var children = new List<ChildProcess>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var passed = false;
        try
        {
            var kafka = ChildProcess.Start("kafka", Path.Combine(logs, "kafka.log"), environment, home, "infra", "kafka");
            children.Add(kafka);

            // What the simulation produces, counted apart from everything under test (while Kafka starts).
            var expected = new Tally();
            await new Simulation(Simulated).RunAsync(new TallySink(expected), CancellationToken.None);
            var total = expected.Total;
            Assert.True(total >= 100_000, $"only {total} events");

            var bootstrap = await kafka.WaitForLineAsync(BootstrapLine(), TimeSpan.FromSeconds(60));
            environment["RHYTHMIC__KAFKA__BOOTSTRAPSERVERS"] = bootstrap;

            // Slices of the stream; kill i of each service falls inside slice i-1, at a seeded random offset.
            var random = new Random(Seed);
            var boundaries = Enumerable.Range(1, KillsEach).Select(i => total * i / (KillsEach + 1)).ToArray();
            long SliceStart(int i) => i == 0 ? 0 : boundaries[i - 1];
            long[] KillPlan() => Enumerable.Range(0, KillsEach).Select(i => SliceStart(i) + 1 + random.NextInt64(boundaries[i] - SliceStart(i) - 1)).ToArray();
            var victims = new[]
            {
                new Victim("land", $"select coalesce(sum(next_offset), 0)::bigint from lake.offsets where consumer_group = '{LanderGroup}'", KillPlan()),
                new Victim("speed", $"select coalesce(sum(next_offset), 0)::bigint from serving.speed_offsets where consumer_group = '{SpeedGroup}'", KillPlan()),
            };
            output.WriteLine($"seed {Seed}: {total:N0} events; slices end at {string.Join(", ", boundaries)}; kills: land at {string.Join(", ", victims[0].KillAt)}, speed at {string.Join(", ", victims[1].KillAt)}");

            ChildProcess StartVictim(Victim v)
            {
                v.Incarnation++;
                var child = ChildProcess.Start($"{v.Verb}#{v.Incarnation}", Path.Combine(logs, $"{v.Verb}-{v.Incarnation}.log"), environment, home, v.Verb);
                children.Add(child);
                return child;
            }
            foreach (var v in victims) v.Process = StartVictim(v);

            var gates = boundaries.Select(_ => new SemaphoreSlim(0)).ToArray();
            var produced = new Tally();
            var production = Task.Run(async () =>
            {
                var sink = new SlicedSink(new KafkaSink(bootstrap), produced, boundaries, gates, stop.Token);
                await using (sink) await new Simulation(Simulated).RunAsync(sink, stop.Token);
            });

            // Kill each service when its stored offsets pass its next kill point; open the next slice once both were killed.
            output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s: Kafka at {bootstrap}, land and speed started");
            var opened = 0;
            var deadline = DateTime.UtcNow.AddMinutes(6);   // generous: the machine may be shared
            while (victims.Any(v => v.Kills < KillsEach))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"kills not done: {string.Join(", ", victims.Select(v => $"{v.Verb} {v.Kills}"))}\n{Tails(victims)}");
                if (production.IsFaulted) await production;
                foreach (var v in victims)
                {
                    if (v.Process!.HasExited) throw new InvalidOperationException($"{v.Process.Name} exited by itself.\n{v.Process.Tail()}");
                    if (v.Kills == KillsEach) continue;
                    var progress = await TestPostgres.ScalarAsync<long>(cs, v.ProgressSql);
                    if (progress < v.KillAt[v.Kills]) continue;
                    v.Process.Kill();
                    v.Kills++;
                    var stored = await TestPostgres.ScalarAsync<long>(cs, v.ProgressSql);
                    output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s: killed {v.Process.Name} at {progress:N0} stored offsets (planned {v.KillAt[v.Kills - 1]:N0}; {stored:N0} after it died)");
                    v.Process = StartVictim(v);
                }
                while (opened < gates.Length && victims.All(v => v.Kills > opened)) gates[opened++].Release();
                await Task.Delay(50);
            }
            while (opened < gates.Length) gates[opened++].Release();
            await production;
            Assert.Equal(expected.ByTopic, produced.ByTopic);

            // Every partition's end, then both groups' stored offsets at it.
            var highs = HighWatermarks(bootstrap);
            Assert.Equal(total, highs.Values.Sum());
            await WaitUntilAsync(async () => await StoredEqualsAsync(cs, "lake.offsets", "kafka_partition", LanderGroup, highs)
                                            && await StoredEqualsAsync(cs, "serving.speed_offsets", "partition", SpeedGroup, highs),
                TimeSpan.FromMinutes(4), () => $"both groups to reach the end of every partition\n{Tails(victims)}");
            output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s: both groups caught up");
            foreach (var v in victims) Assert.False(v.Process!.HasExited, $"{v.Process.Name} exited by itself.\n{v.Process.Tail()}");
            foreach (var v in victims) v.Process!.Kill();

            await AssertTheLakeHoldsEveryEventOnceAsync(lake, cs, expected, highs);
            output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s: the lake holds every event once ({await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files"):N0} files)");
            await AssertTheServingTotalsAreExactAsync(cs, expected);
            Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from serving.dead_letters"));
            // Gap recording (ops.consumer_gaps) arrives with another part of issue 15: once the table exists, it must be empty.
            if (await TestPostgres.ScalarAsync<bool>(cs, "select to_regclass('ops.consumer_gaps') is not null"))
                Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from ops.consumer_gaps"));
            passed = true;
        }
        finally
        {
            stop.Cancel();   // a producer still held at a gate gives up
            foreach (var child in children) child.Dispose();
            if (passed && Environment.GetEnvironmentVariable("RHYTHMIC_SOAK_KEEP") is null) Directory.Delete(root, recursive: true);
            else output.WriteLine($"kept {root} (logs in {logs})");
        }
    }

    private static string Tails(IEnumerable<Victim> victims) => string.Join('\n', victims.Select(v => v.Process!.Tail()));

    /// <summary>The lake through DuckDB: per partition exactly the offsets 0..end-1, once each; per topic the produced count and event times.</summary>
    private static async Task AssertTheLakeHoldsEveryEventOnceAsync(string lake, string cs, Tally expected, IReadOnlyDictionary<(string Topic, int Partition), long> highs)
    {
        var union = string.Join(" union all ", Topics.All.Where(t => expected.ByTopic[t].Count > 0).Select(t =>
            $"select '{t}' as topic, _partition, _offset, epoch_ms(ts) as ts from read_parquet('{lake}/raw/{t}/*/*/*/*/*.parquet', hive_partitioning = false)"));
        var (rows, _) = await DuckDb.QueryAsync($"""
            select topic, _partition::int as p, count(*)::bigint::varchar as n, count(distinct _offset)::bigint::varchar as d,
                   min(_offset)::varchar as lo, max(_offset)::varchar as hi, sum(ts)::varchar as ts
            from ({union}) group by topic, _partition order by topic, _partition
            """);
        static long L(System.Text.Json.JsonElement r, string name) => long.Parse(r.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
        var seen = rows.ToDictionary(r => (r.GetProperty("topic").GetString()!, r.GetProperty("p").GetInt32()));
        foreach (var ((topic, partition), high) in highs.Where(h => h.Value > 0))
        {
            Assert.True(seen.TryGetValue((topic, partition), out var r), $"nothing of {topic}[{partition}] in the lake");
            Assert.Equal((high, high, 0L, high - 1), (L(r, "n"), L(r, "d"), L(r, "lo"), L(r, "hi")));
        }
        Assert.Equal(highs.Count(h => h.Value > 0), rows.Count);
        foreach (var topic in Topics.All)
        {
            var ofTopic = rows.Where(r => r.GetProperty("topic").GetString() == topic).ToList();
            Assert.Equal(expected.ByTopic[topic], (ofTopic.Sum(r => L(r, "n")), ofTopic.Sum(r => L(r, "ts"))));
        }
        // The manifest records exactly the files on disk, and no half-written file is left.
        var files = Directory.GetFiles(Path.Combine(lake, "raw"), "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => !f.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.Equal(files.Length, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files"));
        Assert.Equal(expected.Total, await TestPostgres.ScalarAsync<long>(cs, "select sum(row_count)::bigint from lake.files"));
    }

    /// <summary>Each serving aggregate plus the events it counted as late equals the produced events of its topic.</summary>
    private async Task AssertTheServingTotalsAreExactAsync(string cs, Tally expected)
    {
        async Task<long> Sum(string sql) => await TestPostgres.ScalarAsync<long>(cs, $"select coalesce(({sql}), 0)::bigint");
        output.WriteLine($"late events: {await Sum("select sum(events) from serving.late_events")}");
        async Task<long> Late(string topic) => await Sum($"select sum(events) from serving.late_events where topic = '{topic}'");
        var lateListens = await Late(Topics.Listen);
        Assert.Equal(expected.ByTopic[Topics.Listen].Count, await Sum("select sum(listens) from serving.listens_minute") + lateListens);
        Assert.Equal(expected.ByTopic[Topics.Listen].Count, await Sum("select sum(plays) from serving.song_plays_minute") + lateListens);
        Assert.Equal(expected.ByTopic[Topics.Listen].Count, await Sum("select sum(plays) from serving.artist_plays_minute") + lateListens);
        Assert.Equal(expected.ByTopic[Topics.PageView].Count, await Sum("select sum(views) from serving.page_views_minute") + await Late(Topics.PageView));
        Assert.Equal(expected.ByTopic[Topics.Auth].Count, await Sum("select sum(attempts) from serving.auth_minute") + await Late(Topics.Auth));
        Assert.Equal(expected.ByTopic[Topics.StatusChange].Count, await Sum("select sum(changes) from serving.level_changes_minute") + await Late(Topics.StatusChange));
    }

    /// <summary>The end offset of every partition of the four topics.</summary>
    private static Dictionary<(string Topic, int Partition), long> HighWatermarks(string bootstrap)
    {
        KafkaNative.EnsureLoaded();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClients.Consumer(bootstrap, TestKafka.NewGroup("soak-watermarks"), "soak-watermarks")).Build();
        var highs = new Dictionary<(string, int), long>();
        foreach (var topic in Topics.All)
            for (var p = 0; p < Partitions; p++)
                highs[(topic, p)] = consumer.QueryWatermarkOffsets(new TopicPartition(topic, new Partition(p)), TimeSpan.FromSeconds(10)).High.Value;
        return highs;
    }

    /// <summary>Whether a group's stored next offsets equal the end of every partition that has events.</summary>
    private static async Task<bool> StoredEqualsAsync(string cs, string table, string partitionColumn, string group, IReadOnlyDictionary<(string Topic, int Partition), long> highs)
    {
        await using var conn = new Npgsql.NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select topic, {partitionColumn}, next_offset from {table} where consumer_group = @g", conn);
        cmd.Parameters.AddWithValue("g", group);
        var stored = new Dictionary<(string, int), long>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        return highs.Where(h => h.Value > 0).All(h => stored.TryGetValue(h.Key, out var next) && next == h.Value);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for " + what());
            await Task.Delay(100);
        }
    }
}
