using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Serving;
using Rhythmic.Serving.Views;
using Rhythmic.Simulator;
using Rhythmic.Simulator.Sinks;
using Rhythmic.SpeedLayer;
using Rhythmic.SpeedLayer.Store;
using Rhythmic.Warehouse;

namespace Rhythmic.Bench;

/// <summary>Options of <c>rhythmic bench serve</c>.</summary>
public sealed record ServeBenchOptions
{
    /// <summary>Users of the simulated month.</summary>
    public int Users { get; init; } = 20_000;
    /// <summary>Simulated days (the warehouse holds all but the last hours, the speed view those).</summary>
    public int Days { get; init; } = 30;
    /// <summary>Hours at the end that only the speed view holds.</summary>
    public int SpeedHours { get; init; } = 3;
    /// <summary>Concurrent clients of each scenario.</summary>
    public int Clients { get; init; } = 50;
    /// <summary>Seconds each scenario runs.</summary>
    public int Seconds { get; init; } = 10;
    /// <summary>Seed of the simulation.</summary>
    public long Seed { get; init; } = 42;
}

/// <summary>One scenario's figures: over HTTP through the API, and the same queries straight on PostgreSQL.</summary>
public sealed record ServeFigure(string Scenario, string Endpoint, long Requests, double PerSecond, double P50Ms, double P99Ms, double MaxMs,
    long Errors, double? DirectPerSecond, double? DirectP99Ms, string Target, bool? Met);

/// <summary>
/// <c>rhythmic bench serve</c>: a month of simulated events, all but the last hours loaded into the warehouse by the
/// real full load, those hours counted by the real speed layer; the serving host on loopback; then bounded load
/// (N concurrent clients for S seconds) on /api/live and /api/history over the month at day and hour grain, latency
/// recorded in HdrHistograms. Beside each, the same SQL in the same snapshot shape run straight on PostgreSQL by as
/// many connections: what the HTTP layer, JSON and the merge cost on top.
/// </summary>
public static class ServeBench
{
    public static async Task<IReadOnlyList<ServeFigure>> RunAsync(ServeBenchOptions o, Action<string> note, CancellationToken ct)
    {
        var scratch = Directory.CreateTempSubdirectory("rhythmic-bench-serve-").FullName;
        var (pg, cs) = await BenchDatabase.StartAsync(Path.Combine(scratch, "pg"), durable: false, ct);
        WebApplication? app = null;
        try
        {
            var end = DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour);
            var seam = end.AddHours(-o.SpeedHours);
            var from = end.AddDays(-o.Days);
            var lakeRoot = Path.Combine(scratch, "lake");
            var clock = Stopwatch.StartNew();
            var speed = new SpeedFeed(cs);
            var lake = new LakeSink(new LocalLakeStorage(lakeRoot), new Rhythmic.Lake.LakeManifest(BenchDatabase.DataSource(cs)),
                new LakeSinkOptions { WatermarkAt = new DateTimeOffset(seam) });
            SimulationSummary summary;
            // up's own split: the history before the seam into the lake (committed and closed at the seam), the rest to the speed layer.
            await using (var split = new HistoryThenLiveSink(lake, speed, new DateTimeOffset(seam).ToUnixTimeMilliseconds()))
                summary = await new Simulation(new SimulationOptions { From = from, To = end, Users = o.Users, Seed = o.Seed, Workers = Environment.ProcessorCount })
                    .RunAsync(split, ct);
            speed.Flush();
            note($"simulated {summary.Events:N0} events of {o.Users:N0} users over {o.Days} days in {clock.Elapsed.TotalSeconds:F1} s; the last {o.SpeedHours} hours ({speed.Events:N0} events) went to the speed view only");
            clock.Restart();
            var settings = new RhythmicSettings { Home = scratch, Postgres = { ConnectionString = cs }, Lake = { Root = lakeRoot } };
            var loaded = await new WarehouseLoader(settings, BenchDatabase.DataSource(cs), NullLogger<WarehouseLoader>.Instance).FullLoadAsync(ct);
            note($"full load of {loaded.Rows:N0} events ({loaded.Hours.Count} hours) in {clock.Elapsed.TotalSeconds:F1} s");

            var port = EmbeddedPostgres.FreePort();
            var readerCs = pg.ReaderConnectionString("bench");
            var served = RhythmicConfiguration.Load(scratch, new Dictionary<string, string?>
            {
                ["Postgres:ConnectionString"] = cs, ["Postgres:ReaderConnectionString"] = readerCs, ["Serving:Urls"] = $"http://127.0.0.1:{port}",
            });
            app = ServingHost.Build(served, b => b.Logging.SetMinimumLevel(LogLevel.Warning), BenchDatabase.DataSource(cs));
            await app.StartAsync(ct);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30),
            };
            await using var direct = ServingReads.CreateDataSource(new NpgsqlConnectionStringBuilder(readerCs) { MaxPoolSize = o.Clients }.ConnectionString);
            var reads = new ServingReads(direct);
            string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var scenarios = new (string Name, string Url, Func<CancellationToken, Task>? Direct, double TargetMs)[]
            {
                ("live", "/api/live?minutes=5", t => reads.SnapshotAsync(async db =>
                {
                    var newest = (await db.QueryAsync<ClockRow>("data_clock")).Single().NewestMinute ?? end;
                    return await db.QueryAsync<object>("live", new { previous_from = newest.AddMinutes(-10), from = newest.AddMinutes(-5), to = newest });
                }, t), 50),
                ("history, month by day", $"/api/history?metric=plays&grain=day&from={Iso(from)}&to={Iso(end)}", t => HistoryDirect(reads, "plays", Grain.Day, from, end, t), 100),
                ("history, month by hour", $"/api/history?metric=plays&grain=hour&from={Iso(from)}&to={Iso(end)}", t => HistoryDirect(reads, "plays", Grain.Hour, from, end, t), 100),
                ("history, active users, month by day", $"/api/history?metric=active_users&grain=day&from={Iso(from)}&to={Iso(end)}", t => HistoryDirect(reads, "active_users", Grain.Day, from, end, t), 100),
            };
            var figures = new List<ServeFigure>();
            foreach (var (name, url, run, target) in scenarios)
            {
                var first = await http.GetAsync(url, ct);
                if (!first.IsSuccessStatusCode) throw new RhythmicException($"{url} answered {(int)first.StatusCode}: {await first.Content.ReadAsStringAsync(ct)}");
                var api = await LoadAsync(o, async t => (await http.GetAsync(url, t)).IsSuccessStatusCode, ct);
                note($"{name}: {api.Requests:N0} requests, p99 {api.P99:F1} ms");
                var sql = run is null ? null : await LoadAsync(o, async t => { await run(t); return true; }, ct);
                figures.Add(new ServeFigure(name, url, api.Requests, api.Requests / api.Seconds, api.P50, api.P99, api.Max, api.Errors,
                    sql is null ? null : sql.Requests / sql.Seconds, sql?.P99, $"p99 < {target} ms", api.Errors == 0 && api.P99 < target));
            }
            return figures;
        }
        finally
        {
            if (app is not null) await app.DisposeAsync();
            await pg.StopAsync(CancellationToken.None, immediate: true);
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task HistoryDirect(ServingReads reads, string metric, Grain grain, DateTime from, DateTime to, CancellationToken ct)
        => await reads.SnapshotAsync(async db =>
        {
            var (loaded, _) = await db.LoadedHoursAsync(from, to);
            return await ViewsApi.HistoryValuesAsync(db, metric, ViewsApi.HistoryArgs(metric, grain, from, to, loaded, null, null, null, false), false);
        }, ct);

    private sealed record LoadResult(long Requests, long Errors, double Seconds, double P50, double P99, double Max);

    /// <summary>Clients calling <paramref name="call"/> in a loop for the configured seconds; latencies in one histogram.</summary>
    private static async Task<LoadResult> LoadAsync(ServeBenchOptions o, Func<CancellationToken, Task<bool>> call, CancellationToken ct)
    {
        var histogram = new LongConcurrentHistogram(1, TimeStamp.Seconds(60), 3);
        long errors = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(o.Seconds));
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, o.Clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if (!await call(CancellationToken.None)) Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or NpgsqlException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
                histogram.RecordValue(Stopwatch.GetTimestamp() - start);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(clients);
        var seconds = clock.Elapsed.TotalSeconds;
        double Ms(double percentile) => histogram.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
        return new LoadResult(histogram.TotalCount, errors, seconds, Ms(50), Ms(99), histogram.GetMaxValue() * 1000.0 / Stopwatch.Frequency);
    }

    private sealed class ClockRow { public DateTime? NewestMinute { get; init; } }

    /// <summary>The speed layer's processor and store fed directly (one partition per topic).</summary>
    private sealed class SpeedFeed : IEventSink
    {
        private readonly SpeedProcessor _processor = new(new SpeedSettings { AllowedLatenessSeconds = 3600 });
        private readonly PostgresSpeedStore _store;
        private readonly Dictionary<string, long> _offsets = [];

        public SpeedFeed(string cs)
        {
            _store = new PostgresSpeedStore(BenchDatabase.DataSource(cs));
            foreach (var topic in Topics.All) _processor.Assign(topic, 0, null, start: 0);
        }

        public long Events { get; private set; }

        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            var offset = _offsets.GetValueOrDefault(topic);
            _offsets[topic] = offset + 1;
            _processor.Process(topic, 0, offset, json);
            Events++;
            if (_processor.PendingMessages >= 20_000) Flush();
        }

        public void Flush()
        {
            if (_processor.TakeBatch() is not { } batch) return;
            if (_store.Commit("rhythmic-speed", batch) != CommitOutcome.Committed) throw new RhythmicException("the speed store refused a batch");
            _processor.Committed();
        }

        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
