using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator;
using Rhythmic.Simulator.Sinks;
using Rhythmic.SpeedLayer;
using Rhythmic.SpeedLayer.Aggregation;
using Rhythmic.SpeedLayer.Consumer;
using Rhythmic.SpeedLayer.Store;

namespace Rhythmic.Bench;

/// <summary>One figure of <c>rhythmic bench speed</c>.</summary>
public sealed record SpeedFigure(string Name, string Value, string Detail);

/// <summary>What <c>rhythmic bench speed</c> measures, and on how much.</summary>
public sealed record SpeedBenchOptions
{
    /// <summary>Users simulated for the event buffer of figures (a) to (c).</summary>
    public int Users { get; init; } = 20_000;
    /// <summary>Simulated days, for the event buffer and for the listens of figure (d).</summary>
    public double Days { get; init; } = 3;
    /// <summary>Events sent through Kafka and PostgreSQL for figure (b).</summary>
    public int EndToEndEvents { get; init; } = 200_000;
    /// <summary>Steady produce rate of figure (c), events/s.</summary>
    public int FreshnessRate { get; init; } = 10_000;
    /// <summary>Duration of figure (c), seconds.</summary>
    public int FreshnessSeconds { get; init; } = 20;
    /// <summary>Listens of figure (d), simulated for it alone (enough users over <see cref="Days"/>); 0 takes the event buffer's listens.</summary>
    public int Listens { get; init; } = 1_000_000;
    /// <summary>The figures to run, by letter (a to d).</summary>
    public string Figures { get; init; } = "abcd";

    /// <summary>Whether figure <paramref name="letter"/> is to run.</summary>
    public bool Runs(char letter) => Figures.Contains(letter, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The speed layer's four figures: (a) parse+aggregate throughput on one core from memory, (b) end-to-end throughput
/// through the embedded Kafka into PostgreSQL, (c) freshness (produce to visible) at a steady rate, (d) the
/// listens-by-level-gender-state aggregation against DuckDB over the same JSON lines.
/// </summary>
public static class SpeedBench
{
    private static readonly DateTimeOffset From = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the figures <paramref name="o"/> names; <paramref name="say"/> reports progress and each figure as it comes.</summary>
    public static async Task<IReadOnlyList<SpeedFigure>> RunAsync(SpeedBenchOptions o, Action<string> say, CancellationToken ct)
    {
        var figures = new List<SpeedFigure>();
        (string Topic, byte[] Key, byte[] Json)[] events = [];
        if (o.Runs('a') || o.Runs('b') || o.Runs('c') || (o.Runs('d') && o.Listens <= 0))
        {
            say($"simulating {o.Users} users over {o.Days} days...");
            var sink = new MemorySink();
            await new Simulation(new SimulationOptions { Users = o.Users, From = From, To = From.AddDays(o.Days), Seed = 7 }).RunAsync(sink, ct);
            events = sink.Events.Select(e => (e.Topic, Key: Encoding.UTF8.GetBytes(e.Key), Json: Encoding.UTF8.GetBytes(e.Json))).ToArray();
            say($"{events.Length:N0} events ({events.Sum(e => (long)e.Json.Length) / 1e6:F0} MB of JSON)");
        }

        if (o.Runs('a'))
        {
            figures.Add(ParseAndAggregate(events));
            say(Show(figures[^1]));
        }
        if (o.Runs('d'))
        {
            figures.Add(await DuckDbSideBySideAsync(events, o, say, ct));
            say(Show(figures[^1]));
        }
        if (!o.Runs('b') && !o.Runs('c')) return figures;

        var dir = Directory.CreateTempSubdirectory("rhythmic-bench-speed-").FullName;
        var (pg, cs) = await BenchDatabase.StartAsync(Path.Combine(dir, "pg"), durable: false, ct);
        try
        {
            if (o.Runs('b'))
            {
                figures.Add(await EndToEndAsync(events.Take(o.EndToEndEvents).ToArray(), cs, ct));
                say(Show(figures[^1]));
            }
            if (o.Runs('c'))
            {
                figures.Add(await FreshnessAsync(events, o.FreshnessRate, o.FreshnessSeconds, cs, ct));
                say(Show(figures[^1]));
            }
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return figures;
    }

    private static string Show(SpeedFigure f) => $"{f.Name}: {f.Value} ({f.Detail})";

    /// <summary>(a) One thread parses and aggregates the buffer, committing (clearing) every 100,000 messages as a flush would.</summary>
    private static SpeedFigure ParseAndAggregate((string Topic, byte[] Key, byte[] Json)[] events)
    {
        var best = double.MaxValue;
        var p = NewProcessor(); // one long-lived processor, as in a running consumer: its string cache is warm after round 1
        // Each topic's partition gets offsets without holes, as from Kafka (a hole would be a gap the processor records).
        var perTopic = events.GroupBy(e => e.Topic).ToDictionary(g => g.Key, g => (long)g.Count());
        var seen = new Dictionary<string, long>();
        var local = new long[events.Length];
        var count = new long[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            local[i] = seen[events[i].Topic] = seen.GetValueOrDefault(events[i].Topic, -1) + 1;
            count[i] = perTopic[events[i].Topic];
        }
        for (var round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < events.Length; i++)
            {
                p.Process(events[i].Topic, 0, round * count[i] + local[i], events[i].Json);
                if (p.PendingMessages == 100_000) p.Committed();
            }
            p.Committed();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return new SpeedFigure("(a) parse+aggregate, 1 core", $"{events.Length / best:N0} events/s",
            $"{events.Length:N0} simulator events from memory, all aggregates, best of 5 passes");
    }

    /// <summary>
    /// (d) Like for like: listens per (minute, level, gender, state) from listens as a JSON-lines file, read and parsed by
    /// each side. The file holds <see cref="SpeedBenchOptions.Listens"/> listens simulated for this figure (or the event
    /// buffer's). Ours: the speed layer's parser (fast path, the general one for what it declines) and its listens
    /// aggregate only, on 1 thread and on as many threads as DuckDB has, reading the file included; DuckDB:
    /// Sql/speed_listens_minute.sql, its query's own time. Both results are compared row by row.
    /// </summary>
    private static async Task<SpeedFigure> DuckDbSideBySideAsync((string Topic, byte[] Key, byte[] Json)[] events, SpeedBenchOptions o,
        Action<string> say, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"rhythmic-bench-listens-{Environment.ProcessId}.jsonl");
        try
        {
            long listens;
            if (o.Listens > 0)
            {
                // About 1.5 listens per user and day come out of the default config: simulate a margin more, keep the first ones.
                var users = (int)Math.Ceiling(o.Listens / (1.3 * o.Days));
                say($"(d): simulating {users:N0} users over {o.Days} days for {o.Listens:N0} listens...");
                await using var sink = new ListensFileSink(file, o.Listens);
                await new Simulation(new SimulationOptions { Users = users, From = From, To = From.AddDays(o.Days), Seed = 7 }).RunAsync(sink, ct);
                listens = sink.Written;
            }
            else
            {
                await using var f = File.Create(file);
                listens = 0;
                foreach (var e in events.Where(e => e.Topic == Topics.Listen)) { f.Write(e.Json); f.WriteByte((byte)'\n'); listens++; }
            }
            var duckThreads = int.TryParse(Environment.GetEnvironmentVariable("DUCKDB_THREADS"), out var t) ? t : 2;
            double one = double.MaxValue, many = double.MaxValue, duck = double.MaxValue;
            KeyValuePair<ListenKey, long>[] ours = [];
            var dead = 0;
            var sql = SqlResources.Read(typeof(SpeedBench).Assembly, "bench/speed_listens_minute.sql").Replace("{listens_file}", file, StringComparison.Ordinal);
            List<System.Text.Json.JsonElement> rows = [];
            // The three sides take turns in each round, so that a slower spell of the machine falls on all of them.
            for (var round = 0; round < 3; round++)
            {
                // Each of our runs starts from a collected heap (as each of DuckDB's starts in a new process), not amid
                // the collection of the simulation's or the previous run's garbage.
                Collect();
                var watch = Stopwatch.StartNew();
                (ours, dead) = SpeedListens.Aggregate(file, 1);
                one = Math.Min(one, watch.Elapsed.TotalSeconds);
                Collect();
                watch.Restart();
                _ = SpeedListens.Aggregate(file, duckThreads);
                many = Math.Min(many, watch.Elapsed.TotalSeconds);
                var run = await DuckDb.RunAsync([sql], ct);
                rows = run.Rows;
                duck = Math.Min(duck, run.LastStatementMs / 1000);
            }
            var (match, detail) = SpeedListens.Compare(ours, rows);
            return new SpeedFigure("(d) listens by minute/level/gender/state vs DuckDB",
                $"ours {listens / one:N0} events/s on 1 thread ({one * 1000:F0} ms), {listens / many:N0} on {duckThreads} ({many * 1000:F0} ms); " +
                $"DuckDB {listens / duck:N0} events/s on {duckThreads} ({duck * 1000:F0} ms); ratio {duck / one:F2}x (1 thread), {duck / many:F2}x ({duckThreads}); " +
                $"results match: {(match ? "yes" : "NO")}",
                $"{listens:N0} listens as JSON lines ({new FileInfo(file).Length / 1e6:F0} MB, page-cached), {ours.Length:N0} groups ({detail}), {dead} refused; " +
                "both sides read and parse the file and compute only listens_minute; ours from opening the file to its rows, DuckDB its query's own time; " +
                "ratio = DuckDB's time / ours; best of 3, taking turns");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>(b) Produce the events into the embedded Kafka while one speed consumer writes them to PostgreSQL.</summary>
    private static async Task<SpeedFigure> EndToEndAsync((string Topic, byte[] Key, byte[] Json)[] events, string cs, CancellationToken ct)
    {
        using var cluster = NewCluster();
        var settings = new SpeedSettings { ConsumerGroup = "bench-e2e" };
        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(cluster.BootstrapServers, "bench")).Build();
        var (stop, thread) = StartConsumer(settings, cluster, cs);
        await WaitAssignedAsync(cs, settings.ConsumerGroup, cluster, producer, ct);
        var baseline = await StoredAsync(cs, settings.ConsumerGroup, ct);
        var watch = Stopwatch.StartNew();
        const int chunk = 5_000;
        for (var i = 0; i < events.Length; i += chunk)
        {
            foreach (var e in events.AsSpan(i, Math.Min(chunk, events.Length - i)))
                producer.Produce(e.Topic, new Message<byte[], byte[]> { Key = e.Key, Value = e.Json });
            producer.Flush(ct);
            // Keep the producer within reach of the consumer (20,000 events), as a live platform's producer is.
            while (await StoredAsync(cs, settings.ConsumerGroup, ct) - baseline < i - 20_000) await Task.Delay(5, ct);
        }
        while (await StoredAsync(cs, settings.ConsumerGroup, ct) - baseline < events.Length) await Task.Delay(5, ct);
        var seconds = watch.Elapsed.TotalSeconds;
        stop.Cancel();
        thread.Join();
        return new SpeedFigure("(b) end to end, Kafka to PostgreSQL", $"{events.Length / seconds:N0} events/s",
            $"{events.Length:N0} events produced to the embedded mock cluster ({cluster.BrokerCount} broker, 8 partitions per topic) and committed by one consumer, flush every {settings.FlushIntervalMs} ms");
    }

    /// <summary>(c) Produce at a steady rate; for every event, the time from produce to its offset being committed with its aggregates.</summary>
    private static async Task<SpeedFigure> FreshnessAsync((string Topic, byte[] Key, byte[] Json)[] events, int rate, int seconds, string cs, CancellationToken ct)
    {
        using var cluster = NewCluster();
        var settings = new SpeedSettings { ConsumerGroup = "bench-fresh" };
        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(cluster.BootstrapServers, "bench")).Build();
        var (stop, thread) = StartConsumer(settings, cluster, cs);
        await WaitAssignedAsync(cs, settings.ConsumerGroup, cluster, producer, ct);

        var sent = new ConcurrentQueue<(string Topic, int Partition, long Offset, long ProducedAt)>();
        var total = Math.Min(events.Length, rate * seconds);
        var watch = Stopwatch.StartNew();
        var visible = new List<double>(total);
        var pending = new List<(string Topic, int Partition, long Offset, long ProducedAt)>();
        var producing = Task.Run(() =>
        {
            for (var i = 0; i < total; i++)
            {
                var due = (long)(i * (double)Stopwatch.Frequency / rate);
                while (watch.ElapsedTicks < due) Thread.SpinWait(50);
                var e = events[i];
                var at = Stopwatch.GetTimestamp();
                producer.Produce(e.Topic, new Message<byte[], byte[]> { Key = e.Key, Value = e.Json },
                    r => { if (!r.Error.IsError) sent.Enqueue((r.Topic, r.Partition.Value, r.Offset.Value, at)); });
            }
            producer.Flush(ct);
        }, ct);
        await using var conn = await BenchDatabase.DataSource(cs).OpenConnectionAsync(ct);
        while (visible.Count < total && watch.Elapsed < TimeSpan.FromSeconds(seconds + 60))
        {
            while (sent.TryDequeue(out var s)) pending.Add(s);
            var stored = new Dictionary<(string, int), long>();
            await using (var cmd = new NpgsqlCommand($"select topic, partition, next_offset from serving.speed_offsets where consumer_group = '{settings.ConsumerGroup}'", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) stored[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
            var now = Stopwatch.GetTimestamp();
            pending.RemoveAll(s =>
            {
                if (!stored.TryGetValue((s.Topic, s.Partition), out var next) || next <= s.Offset) return false;
                visible.Add(Stopwatch.GetElapsedTime(s.ProducedAt, now).TotalMilliseconds);
                return true;
            });
            await Task.Delay(2, ct);
        }
        await producing;
        stop.Cancel();
        thread.Join();
        visible.Sort();
        double P(double q) => visible.Count == 0 ? double.NaN : visible[(int)Math.Min(visible.Count - 1, q * visible.Count)];
        return new SpeedFigure($"(c) freshness at {rate:N0} events/s", $"p50 {P(0.50):F0} ms, p99 {P(0.99):F0} ms, max {P(1):F0} ms",
            $"{visible.Count:N0} of {total:N0} events over {seconds} s; produce call to its aggregates committed in PostgreSQL (polled every ~2 ms), flush every {settings.FlushIntervalMs} ms");
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Writes the first listens of a simulation to a JSON-lines file (the other topics and the listens beyond the limit are dropped).</summary>
    private sealed class ListensFileSink(string path, int limit) : IEventSink
    {
        private readonly FileStream _file = new(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);

        /// <summary>Listens written so far.</summary>
        public int Written { get; private set; }

        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            if (topic != Topics.Listen || Written == limit) return;
            _file.Write(json);
            _file.WriteByte((byte)'\n');
            Written++;
        }

        public Task FlushAsync(CancellationToken ct) => _file.FlushAsync(ct);
        public ValueTask DisposeAsync() => _file.DisposeAsync();
    }

    private static SpeedProcessor NewProcessor()
    {
        // Repeated passes over the same events must not count as late.
        var p = new SpeedProcessor(new SpeedSettings { AllowedLatenessSeconds = 20 * 365 * 86_400 });
        foreach (var t in Topics.All) p.Assign(t, 0, null);
        return p;
    }

    private static MockCluster NewCluster()
    {
        var cluster = new MockCluster(1);
        foreach (var t in Topics.All) cluster.CreateTopic(t, 8);
        return cluster;
    }

    private static (CancellationTokenSource, Thread) StartConsumer(SpeedSettings settings, MockCluster cluster, string cs)
    {
        var stop = new CancellationTokenSource();
        var consumer = new SpeedConsumer(settings, cluster.BootstrapServers, new PostgresSpeedStore(BenchDatabase.DataSource(cs)), NullLogger.Instance, "bench", new Core.Observability.MetricsRegistry());
        var thread = new Thread(() => consumer.Run(stop.Token)) { IsBackground = true, Name = "speed-bench" };
        thread.Start();
        return (stop, thread);
    }

    /// <summary>Sends one warm-up event per topic and waits until the consumer committed them (it has joined and been assigned).</summary>
    private static async Task WaitAssignedAsync(string cs, string group, MockCluster cluster, IProducer<byte[], byte[]> producer, CancellationToken ct)
    {
        _ = cluster;
        var json = """{"ts":1709251200000,"sessionId":1,"level":"free","itemInSession":1,"city":"X","zip":"00001","state":"MA","userAgent":"u","lon":0,"lat":0,"auth":"Guest","page":"Home","method":"GET","status":200,"artist":"a","song":"s","duration":1,"success":true}"""u8.ToArray();
        foreach (var t in Topics.All) producer.Produce(t, new Message<byte[], byte[]> { Key = [1], Value = json });
        producer.Flush(ct);
        while (await StoredAsync(cs, group, ct) < Topics.All.Count) await Task.Delay(20, ct);
    }

    private static async Task<long> StoredAsync(string cs, string group, CancellationToken ct)
    {
        await using var conn = await BenchDatabase.DataSource(cs).OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select coalesce(sum(next_offset), 0) from serving.speed_offsets where consumer_group = '{group}'", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
