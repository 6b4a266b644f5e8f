using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Lake;
using Rhythmic.Lake.Landing;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;

namespace Rhythmic.Bench;

/// <summary>What the replay figure of <c>rhythmic bench lake</c> replays.</summary>
public sealed record LakeReplayOptions
{
    /// <summary>Users simulated.</summary>
    public int Users { get; init; } = 20_000;
    /// <summary>Simulated days of history (ending one hour before <see cref="To"/>, as a replay of last week would).</summary>
    public double Days { get; init; } = 7;
    /// <summary>The simulator's seed.</summary>
    public long Seed { get; init; } = 5;
    /// <summary>Partitions of each topic in the embedded cluster (the platform's default is 4).</summary>
    public int Partitions { get; init; } = 4;
    /// <summary>The end of the simulated history: a fixed hour, so that runs replay the same events.</summary>
    public DateTimeOffset To { get; init; } = new(2024, 3, 11, 0, 0, 0, TimeSpan.Zero);
    /// <summary>
    /// How far (in bytes of messages) the producer may run ahead of the lander's consumer on any partition; 0 (the
    /// default): not paced, as `rhythmic simulate` replays history. The embedded cluster keeps
    /// <see cref="RetentionBytes"/> per partition, far more than a week; a shortfall fails the run either way.
    /// </summary>
    public long MaxLeadBytes { get; init; }
    /// <summary>What the embedded cluster keeps per partition (the platform's default Kafka:EmbeddedRetentionMB is 1280 MB).</summary>
    public long RetentionBytes { get; init; } = MockCluster.DefaultRetentionBytes;
}

/// <summary>The replay figure: a backlog produced into a fresh embedded cluster and landed by one lander.</summary>
public sealed record LakeReplayResult(long Produced, long Landed, double Seconds, long Files, long Commits, IReadOnlyDictionary<string, (long Produced, long Landed)> PerTopic, double ProducerWaitSeconds, double ReadSeconds)
{
    /// <summary>Landed events per second, from the first produce to the last event committed.</summary>
    public double EventsPerSecond => Landed / Seconds;
}

/// <summary>
/// <c>rhythmic bench lake</c>'s replay figure: a simulated week (by default 20,000 users, seed 5, as
/// <c>rhythmic simulate --nusers 20000 --seed 5</c>) is produced into a fresh embedded Kafka while one lander, with the
/// platform's default settings, lands it into a temporary lake whose manifest lives in a private PostgreSQL. Once it has
/// read every partition to its end the lander is stopped as Ctrl-C stops <c>rhythmic land</c> (it lands what it holds).
/// The time runs from the first produce to the last event committed; the events landed are then counted per topic by
/// DuckDB over the lake's files and must equal what the simulator produced, or the run fails instead of printing a figure.
/// </summary>
public static class LakeReplayBench
{
    private sealed class Collector : IEventSink
    {
        public readonly List<(int Topic, byte[] Key, byte[] Value)> Events = [];
        private readonly Dictionary<string, int> _topics = Topics.All.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs) => Events.Add((_topics[topic], key.ToArray(), json.ToArray()));
        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public static async Task<LakeReplayResult> RunAsync(LakeReplayOptions o, string scratch, Action<string> say, Microsoft.Extensions.Logging.ILogger? landerLog, CancellationToken ct)
    {
        var to = o.To.AddHours(-1);
        var from = to.AddDays(-o.Days);
        say($"simulating {o.Users:N0} users from {from:yyyy-MM-dd HH:mm} to {to:yyyy-MM-dd HH:mm} UTC (seed {o.Seed}) into memory...");
        var collector = new Collector();
        var summary = await new Simulation(new SimulationOptions { Users = o.Users, From = from, To = to, Seed = o.Seed }).RunAsync(collector, ct);
        var events = collector.Events;
        var expected = new Dictionary<string, long>
        {
            [Topics.PageView] = summary.PageViews, [Topics.Listen] = summary.Listens, [Topics.Auth] = summary.AuthEvents, [Topics.StatusChange] = summary.StatusChanges,
        };
        if (expected.Values.Sum() != events.Count)
            throw new RhythmicException($"The simulator reported {expected.Values.Sum():N0} events but wrote {events.Count:N0}.");
        // Per-topic average sizes turn the producer's lead limit from bytes into messages.
        var avgBytes = new double[Topics.All.Count];
        for (var t = 0; t < avgBytes.Length; t++)
        {
            var of = events.Where(e => e.Topic == t).ToList();
            avgBytes[t] = of.Count == 0 ? 1 : of.Average(e => e.Value.Length + e.Key.Length + 30.0);
        }
        say($"{events.Count:N0} events ({events.Sum(e => (long)e.Value.Length) / 1e6:F0} MB of JSON): " +
            string.Join(", ", Topics.All.Select(t => $"{t} {expected[t]:N0}")));

        var (pg, cs) = await BenchDatabase.StartAsync(Path.Combine(scratch, "pg"), durable: true, ct);
        try
        {
            using var cluster = new MockCluster(1, o.RetentionBytes);
            foreach (var t in Topics.All) cluster.CreateTopic(t, o.Partitions);
            var lakeRoot = Path.Combine(scratch, "lake");
            // The platform's lander settings (Lander:RollBytes, RollSeconds, ...), defaults unchanged.
            var settings = new RhythmicSettings();
            settings.Lander.ConsumerGroup = "bench-replay";
            var options = LanderOptions.From(settings, cluster.BootstrapServers);
            var seen = new LanderWatch();
            var lander = new Lander(options, new LocalLakeStorage(lakeRoot), new LakeManifest(BenchDatabase.DataSource(cs)), landerLog ?? NullLogger.Instance) { Watcher = seen };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var run = lander.RunAsync(stop.Token);
            try
            {
                var partitions = Topics.All.Count * o.Partitions;
                await WaitAsync(() => Task.FromResult(seen.Partitions.Count == partitions || run.IsCompleted), TimeSpan.FromSeconds(60), "the lander to be assigned every partition", ct);
                if (run.IsCompleted) await run;

                using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(cluster.BootstrapServers, "bench-replay")).Build();
                var logEnd = new Dictionary<(string, int), long>();
                long failed = 0;
                var topicNames = Topics.All.ToArray();
                var producerWait = new Stopwatch();
                var watch = Stopwatch.StartNew();
                const int chunk = 10_000;
                for (var i = 0; i < events.Count; i += chunk)
                {
                    // Keep every partition's unread messages under the lead limit, so that the cluster drops none.
                    producerWait.Start();
                    while (o.MaxLeadBytes > 0 && !Within(seen.Next, logEnd, avgBytes, topicNames, o.MaxLeadBytes))
                    {
                        if (run.IsCompleted) await run;
                        await Task.Delay(5, ct);
                    }
                    producerWait.Stop();
                    var n = Math.Min(chunk, events.Count - i);
                    for (var j = i; j < i + n; j++)
                    {
                        var e = events[j];
                        producer.Produce(topicNames[e.Topic], new Message<byte[], byte[]> { Key = e.Key, Value = e.Value }, r =>
                        {
                            if (r.Error.IsError) { Interlocked.Increment(ref failed); return; }
                            var key = (r.Topic, r.Partition.Value);
                            lock (logEnd) logEnd[key] = Math.Max(logEnd.GetValueOrDefault(key), r.Offset.Value + 1);
                        });
                    }
                    producer.Flush(ct);
                    if (Interlocked.Read(ref failed) > 0) throw new RhythmicException($"{failed} events were not acknowledged by the embedded Kafka.");
                }
                say($"produced {events.Count:N0} events in {watch.Elapsed.TotalSeconds:F1} s (waiting for the lander {producerWait.Elapsed.TotalSeconds:F1} s of it); waiting for them to land...");

                // Once the lander has read every partition to its end, it is stopped the way Ctrl-C stops 'rhythmic land':
                // it lands what it holds at once. Left running, a lander that caught up with the producer counts the last
                // events as live and lands them Lander:RollSeconds (60 s) after the first of them, which would measure that
                // setting rather than the landing. A lander that stops reading (it died, or events were lost) fails the run.
                var progressAt = watch.Elapsed;
                long lastRead = -1;
                while (true)
                {
                    if (run.IsCompleted) await run;
                    var positions = seen.Next;
                    long read, behind;
                    lock (logEnd)
                    {
                        read = logEnd.Sum(p => Math.Max(0, Math.Min(p.Value, positions.GetValueOrDefault(p.Key, 0))));
                        behind = logEnd.Count(p => positions.GetValueOrDefault(p.Key, 0) < p.Value);
                    }
                    if (behind == 0) break;
                    if (read > lastRead) (lastRead, progressAt) = (read, watch.Elapsed);
                    if (watch.Elapsed - progressAt > TimeSpan.FromSeconds(60))
                        throw new RhythmicException($"The lander stopped reading: {read:N0} of {events.Count:N0} events read and nothing more for {(watch.Elapsed - progressAt).TotalSeconds:F0} s.");
                    await Task.Delay(10, ct);
                }
                var readSeconds = watch.Elapsed.TotalSeconds;
                stop.Cancel();
                await run;
                var seconds = watch.Elapsed.TotalSeconds;
                var (landed, deadLetters) = await CountsAsync(cs, "select (select coalesce(sum(row_count), 0)::bigint from lake.files), (select count(*) from serving.dead_letters)", ct);
                if (landed + deadLetters != events.Count)
                    throw new RhythmicException($"The lander landed {landed:N0} of {events.Count:N0} events ({deadLetters:N0} dead letters): events were lost (was the producer further ahead than the embedded Kafka's retention?).");

                // Rows of one manifest transaction share committed_at (now() of that transaction).
                var (files, commits) = await CountsAsync(cs, "select count(*), count(distinct committed_at) from lake.files", ct);
                say($"read everything in {readSeconds:F1} s, all landed in {seconds:F1} s: {files:N0} files in {commits:N0} manifest transactions; counting the lake with DuckDB...");
                var perTopic = new Dictionary<string, (long Produced, long Landed)>();
                foreach (var t in Topics.All)
                {
                    var glob = Path.Combine(lakeRoot, "raw", t, "**", "*.parquet");
                    var result = await DuckDb.RunAsync([$"select count(*)::bigint as n from read_parquet('{glob}')"], ct);
                    var n = result.Rows[0].GetProperty("n");   // DuckDB's node client prints a bigint as a string
                    perTopic[t] = (expected[t], n.ValueKind == System.Text.Json.JsonValueKind.String ? long.Parse(n.GetString()!, CultureInfo.InvariantCulture) : n.GetInt64());
                }
                var short_ = perTopic.Where(p => p.Value.Produced != p.Value.Landed).ToList();
                if (deadLetters > 0 || short_.Count > 0)
                    throw new RhythmicException("The lake does not hold what was produced: " +
                        string.Join(", ", perTopic.Select(p => $"{p.Key} produced {p.Value.Produced:N0}, in the lake {p.Value.Landed:N0}")) + $"; {deadLetters:N0} dead letters.");
                return new LakeReplayResult(events.Count, perTopic.Values.Sum(v => v.Landed), seconds, files, commits, perTopic, producerWait.Elapsed.TotalSeconds, readSeconds);
            }
            finally
            {
                stop.Cancel();
                try { await run; } catch (OperationCanceledException) { }
            }
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
        }
    }

    private static bool Within(IReadOnlyDictionary<(string Topic, int Partition), long> positions, Dictionary<(string, int), long> logEnd, double[] avgBytes, string[] topics, long maxLeadBytes)
    {
        lock (logEnd)
        {
            foreach (var ((topic, partition), end) in logEnd)
            {
                var read = positions.TryGetValue((topic, partition), out var p) ? Math.Max(0, p) : 0;
                var lead = (end - read) * avgBytes[Array.IndexOf(topics, topic)];
                if (lead > maxLeadBytes) return false;
            }
        }
        return true;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout) throw new RhythmicException($"Timed out waiting for {what}.");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Two counts of the manifest (one row of two bigints).</summary>
    private static async Task<(long, long)> CountsAsync(string cs, string sql, CancellationToken ct)
    {
        await using var conn = await BenchDatabase.DataSource(cs).OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }
}

/// <summary>What the replay's lander last said it owns and has read (the producer is paced by it).</summary>
internal sealed class LanderWatch : ILanderWatcher
{
    public IReadOnlyCollection<(string Topic, int Partition)> Partitions { get; private set; } = [];
    public IReadOnlyDictionary<(string Topic, int Partition), long> Next { get; private set; } = new Dictionary<(string, int), long>();
    public void Owned(IReadOnlyCollection<(string Topic, int Partition)> partitions) => Partitions = partitions;
    public void Read(IReadOnlyDictionary<(string Topic, int Partition), long> next) => Next = next;
}
