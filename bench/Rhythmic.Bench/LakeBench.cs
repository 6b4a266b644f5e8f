using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Lake;
using Rhythmic.Parquet;
using Rhythmic.Simulator;

namespace Rhythmic.Bench;

/// <summary>One figure of <c>rhythmic bench lake</c>.</summary>
public sealed record LakeBenchResult(string Engine, string What, long Rows, double Seconds, double Megabytes)
{
    public double RowsPerSecond => Rows / Seconds;
    public double MegabytesPerSecond => Megabytes / Seconds;
}

/// <summary>
/// The lake's figures: listen events to Parquet (Snappy) on one core, from parsed columns and from JSON; reading them
/// back with and without projection; the size against the JSON; DuckDB (one thread) writing and reading the same rows.
/// </summary>
public static class LakeBench
{
    private sealed class ListenCollector : IEventSink
    {
        public readonly List<byte[]> Json = [];
        public int Limit;
        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            if (topic == Topics.Listen && Json.Count < Limit) Json.Add(json.ToArray());
        }
        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    // The simulator makes about two listens per user and day; a little less here so that --events rows are produced
    // (the collector stops at the limit). At 4.0 a request for 500,000 events produced 245,710.
    private const double ListensPerUserDay = 1.6;

    public static async Task<(IReadOnlyList<LakeBenchResult> Results, double JsonMb, double ParquetMb)> RunAsync(int events, string scratch, CancellationToken ct)
    {
        // Listen events from the simulator: about one in five events is a listen.
        var collector = new ListenCollector { Limit = events };
        var users = Math.Max(1_000, events / 60);
        await new Simulation(new SimulationOptions
        {
            Users = users, From = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero).AddDays(Math.Max(1, events / (users * ListensPerUserDay))), Seed = 7,
        }).RunAsync(collector, ct);
        var json = collector.Json;
        var jsonBytes = json.Sum(j => (long)j.Length + 1);
        var results = new List<LakeBenchResult>();
        var jsonPath = Path.Combine(scratch, "listens.json");
        await File.WriteAllLinesAsync(jsonPath, json.Select(j => Encoding.UTF8.GetString(j)), ct);

        // Parse once into row groups of 100,000 rows.
        var parser = new EventParser(new EventParserOptions { MaxFutureSeconds = int.MaxValue });
        var record = new EventRecord();
        var groups = new List<EventRowAppender>();
        EventRowAppender? current = null;
        for (var i = 0; i < json.Count; i++)
        {
            if (current is null || current.Rows == 100_000) groups.Add(current = new EventRowAppender(Topics.Listen, 100_000));
            if (!parser.TryParse(Topics.Listen, json[i], record, out var reason)) throw new InvalidOperationException(reason);
            current.Append(record, i % 4, i, 1_709_510_400_000L);
        }
        var rows = json.Count;

        var ours = Path.Combine(scratch, "ours.parquet");
        byte[] file = [];
        for (var round = 0; round < 2; round++)   // the first round warms the JIT
        {
            var watch = Stopwatch.StartNew();
            var ms = new MemoryStream();
            using (var writer = new ParquetWriter(ms, EventTable.SchemaOf(Topics.Listen), new ParquetWriterOptions { Codec = ParquetCodec.Snappy }, leaveOpen: true))
                foreach (var g in groups) writer.WriteRowGroup(g.Buffers);
            if (round == 1) results.Add(new("Rhythmic.Parquet", "write columns -> Parquet (Snappy)", rows, watch.Elapsed.TotalSeconds, jsonBytes / 1e6));
            file = ms.ToArray();
        }
        await File.WriteAllBytesAsync(ours, file, ct);

        {
            var watch = Stopwatch.StartNew();
            var appender = new EventRowAppender(Topics.Listen, 100_000);
            using (var writer = new ParquetWriter(Stream.Null, EventTable.SchemaOf(Topics.Listen), new ParquetWriterOptions { Codec = ParquetCodec.Snappy }))
                for (var i = 0; i < json.Count; i++)
                {
                    parser.TryParse(Topics.Listen, json[i], record, out _);
                    appender.Append(record, i % 4, i, 1_709_510_400_000L);
                    if (appender.Rows == 100_000) { writer.WriteRowGroup(appender.Buffers); appender.Clear(); }
                }
            results.Add(new("Rhythmic.Parquet", "JSON -> parse -> Parquet (Snappy)", rows, watch.Elapsed.TotalSeconds, jsonBytes / 1e6));
        }

        foreach (var (what, columns) in new[] { ($"read all {EventTable.SchemaOf(Topics.Listen).Columns.Count} columns", (string[]?)null), ("read 3 columns (ts, userId, song)", ["ts", "userId", "song"]) })
        {
            // Two rounds warm the JIT (a single warm-up still left tier-0 loops in the measured round), then the
            // median of three measured rounds: one read takes tens of milliseconds, so a single one is mostly noise.
            var seconds = new List<double>();
            long read = 0;
            for (var round = 0; round < 5; round++)
            {
                var watch = Stopwatch.StartNew();
                read = 0;
                using (var reader = new ParquetReader(file))
                    for (var g = 0; g < reader.RowGroupCount; g++) read += reader.ReadRowGroup(g, columns)[0].Count;
                if (round >= 2) seconds.Add(watch.Elapsed.TotalSeconds);
            }
            seconds.Sort();
            results.Add(new("Rhythmic.Parquet", what + " (median of 3)", read, seconds[1], file.Length / 1e6));
        }

        // DuckDB, one thread: load the JSON (untimed), then write the same rows to Parquet, then read ours back.
        var columnsSql = "{ts: 'BIGINT', sessionId: 'BIGINT', level: 'VARCHAR', itemInSession: 'INTEGER', city: 'VARCHAR', zip: 'VARCHAR', state: 'VARCHAR', userAgent: 'VARCHAR', lon: 'DOUBLE', lat: 'DOUBLE', userId: 'BIGINT', firstName: 'VARCHAR', lastName: 'VARCHAR', gender: 'VARCHAR', registration: 'BIGINT', artist: 'VARCHAR', song: 'VARCHAR', duration: 'DOUBLE', auth: 'VARCHAR'}";
        var load = $"create table t as select make_timestamp(ts * 1000) as ts, * exclude (ts, registration), make_timestamp(registration * 1000) as registration, 0 as _partition, 0::bigint as _offset, now() as _ingested_at from read_json('{jsonPath}', format = 'newline_delimited', columns = {columnsSql})";
        var duckFile = Path.Combine(scratch, "duck.parquet");
        var write = await DuckAsync([load, $"copy t to '{duckFile}' (format parquet, compression snappy)"], ct);
        results.Add(new("DuckDB (1 thread)", "write table -> Parquet (Snappy)", rows, write / 1000, jsonBytes / 1e6));
        var read1 = await DuckAsync([$"create table r as select * from read_parquet('{ours}')"], ct);
        results.Add(new("DuckDB (1 thread)", "read all columns of our file", rows, read1 / 1000, file.Length / 1e6));
        var read3 = await DuckAsync([$"create table r as select ts, userId, song from read_parquet('{ours}')"], ct);
        results.Add(new("DuckDB (1 thread)", "read 3 columns of our file", rows, read3 / 1000, file.Length / 1e6));
        var duckMb = new FileInfo(duckFile).Length / 1e6;
        results.Add(new("DuckDB (1 thread)", $"its file: {duckMb:F1} MB", rows, 1, duckMb));
        return (results, jsonBytes / 1e6, file.Length / 1e6);
    }

    /// <summary>The time in ms of the last statement, run by DuckDB with one thread.</summary>
    private static async Task<double> DuckAsync(string[] statements, CancellationToken ct)
        => (await DuckDb.RunAsync(statements, ct, threads: 1)).LastStatementMs;
}
