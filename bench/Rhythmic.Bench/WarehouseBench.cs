using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.Warehouse;

namespace Rhythmic.Bench;

/// <summary>
/// One line of the warehouse benchmark: what was measured, its time and the CPU it used (of loads), and DuckDB's time
/// and CPU for the same work when compared.
/// </summary>
public sealed record WarehouseBenchLine(string What, long Events, double Seconds, double? DuckDbSeconds, CpuUse? Cpu = null, CpuUse? DuckDbCpu = null)
{
    public double EventsPerSecond => Events / Seconds;
}

/// <summary>
/// <c>rhythmic bench warehouse</c>: on a lake the simulator writes through the backfill sink, into a private PostgreSQL:
/// the incremental load of the first day, the full load, the analysts' questions over the period, and DuckDB building
/// the same facts and dimensions from the same Parquet files and answering the same questions.
/// </summary>
public static class WarehouseBench
{
    public static readonly DateTimeOffset From = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<IReadOnlyList<WarehouseBenchLine>> RunAsync(int users, int days, string scratch, Action<string> progress, Action<WarehouseBenchLine> onLine, CancellationToken ct, bool loadsOnly = false, bool incrementalOnly = false)
    {
        var lines = new List<WarehouseBenchLine>();
        void Add(WarehouseBenchLine l) { lines.Add(l); onLine(l); }
        var to = From.AddDays(days);
        var (pg, cs) = await BenchDatabase.StartAsync(Path.Combine(scratch, "pg"), durable: true, ct);
        try
        {
            var lakeRoot = Path.Combine(scratch, "lake");
            // A kept scratch directory (--keep) already holds the lake of these options: simulate it once only.
            var simulated = Path.Combine(scratch, $"simulated-{users}-{days}");
            if (File.Exists(simulated))
            {
                progress($"reusing the lake in {lakeRoot}; emptying the warehouse");
                await ExecAsync(cs, WarehouseSql.Read("full/truncate.sql"));
            }
            else
            {
                progress($"simulating {users:N0} users for {days} days into {lakeRoot}");
                var sink = new LakeSink(new LocalLakeStorage(lakeRoot), new Rhythmic.Lake.LakeManifest(BenchDatabase.DataSource(cs)), new LakeSinkOptions { WatermarkAt = to });
                await using (sink)
                    await new Simulation(new SimulationOptions { From = From, To = to, Users = users, Seed = 1 }).RunAsync(sink, ct);
                await File.WriteAllTextAsync(simulated, "", ct);
            }
            var settings = new RhythmicSettings { Home = scratch, Postgres = { ConnectionString = cs }, Lake = { Root = lakeRoot } };
            var profile = new LoadProfile();
            var loader = new WarehouseLoader(settings, BenchDatabase.DataSource(cs), NullLogger<WarehouseLoader>.Instance) { Profiler = profile };

            var watch = new Stopwatch();
            // One incremental load after a statement that decides which hours it finds to load, timed with its profile.
            async Task IncrementalAsync(string what, string setupSql, DateTime setupArg)
            {
                progress(what);
                await ExecAsync(cs, BenchSql(setupSql), setupArg);
                profile.TakeSnapshot();
                var (result, seconds, used) = await MeasureAsync(() => loader.IncrementalLoadAsync(ct));
                ReportProfile(profile, progress);
                Add(new(what, result.Rows, seconds, null, used));
            }

            await IncrementalAsync("incremental load, first day (lake to facts)", "warehouse_set_watermarks.sql", From.AddDays(1).UtcDateTime);
            // The second day in the same process: the rate of a long-running scheduler, whose code is already compiled.
            await IncrementalAsync("incremental load, second day (same process)", "warehouse_set_watermarks.sql", From.AddDays(2).UtcDateTime);

            if (incrementalOnly)
            {
                // A third day: with the second, the steady rate of a scheduler whose code is compiled and warehouse is not empty.
                await IncrementalAsync("incremental load, third day (same process)", "warehouse_set_watermarks.sql", From.AddDays(3).UtcDateTime);
                return lines;
            }

            await ExecAsync(cs, BenchSql("warehouse_set_watermarks.sql"), to.UtcDateTime);
            progress("full load");
            profile.TakeSnapshot();
            var duckDb = Path.Combine(scratch, "bench.duckdb");
            File.Delete(duckDb);
            File.Delete(duckDb + ".wal");
            var (full, fullSeconds, fullUsed) = await MeasureAsync(() => loader.FullLoadAsync(ct));
            ReportProfile(profile, progress);
            // DuckDB's build runs with --loads-only too: on a shared machine its time is the yardstick that makes two runs comparable.
            progress("DuckDB build");
            var (duckBuild, _, duckUsed) = await MeasureAsync(() => DuckDbWallAndLast(
                [$"attach '{duckDb}' as w", "use w", .. Split(BenchSql("warehouse_duckdb_build.sql").Replace("{lake}", lakeRoot)), "select 1"], ct));
            Add(new("full load (lake to facts)", full.Rows, fullSeconds, duckBuild.WallSeconds, fullUsed, duckUsed));

            // The day loads above start from an empty warehouse; this one replaces a day while the whole period is loaded.
            await IncrementalAsync("incremental reload of the last day (period loaded)", "warehouse_forget_hours.sql", to.AddDays(-1).UtcDateTime);
            if (loadsOnly) return lines;

            await ExecAsync(cs, "vacuum analyze");
            var fromText = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var toText = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var q in BenchSql("warehouse_questions.sql").Split('\n').Where(l => l.Contains('|') && !l.StartsWith("--", StringComparison.Ordinal)))
            {
                var parts = q.Split('|');
                var pgSql = parts[1].Replace("{from}", fromText).Replace("{to}", toText);
                var duckSql = parts[2].Replace("{from}", fromText).Replace("{to}", toText);
                progress(parts[0]);
                await using var conn = await BenchDatabase.DataSource(cs).OpenConnectionAsync(ct);
                var times = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    watch.Restart();
                    await using var cmd = new NpgsqlCommand(pgSql, conn) { CommandTimeout = 0 };
                    await using (var r = await cmd.ExecuteReaderAsync(ct)) while (await r.ReadAsync(ct)) { }
                    times.Add(watch.Elapsed.TotalSeconds);
                }
                var duck = await DuckDbWallAndLast([$"attach '{duckDb}' as w (read_only)", "use w", duckSql, duckSql, duckSql], ct);
                Add(new($"query: {parts[0]}", 0, times.Order().ElementAt(2), duck.LastStatementMs / 1000));
            }
            return lines;
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Runs <paramref name="work"/>, timing it and the machine's CPU over it.</summary>
    private static async Task<(T Result, double Seconds, CpuUse? Cpu)> MeasureAsync<T>(Func<Task<T>> work)
    {
        var cpu = MachineCpu.Take();
        var clock = Stopwatch.StartNew();
        var result = await work();
        var seconds = clock.Elapsed.TotalSeconds;
        return (result, seconds, MachineCpu.Between(cpu, MachineCpu.Take(), Environment.ProcessorCount));
    }

    /// <summary>Where the last load's time went, step by step (Parquet decoding is part of staging).</summary>
    private static void ReportProfile(LoadProfile profile, Action<string> progress)
    {
        foreach (var (step, seconds) in profile.TakeSnapshot())
            progress(string.Create(CultureInfo.InvariantCulture, $"  {seconds,8:F3} s  {step}"));
    }

    private static string BenchSql(string name) => SqlResources.Read(typeof(WarehouseBench).Assembly, "bench/" + name);

    /// <summary>
    /// Wall time per load step (Parquet decoding, COPY, each SQL model), summed over the loads since the last snapshot,
    /// so the benchmark can print where a load's time goes.
    /// </summary>
    private sealed class LoadProfile : ILoadProfiler
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan> _steps = new();

        public void Add(string step, TimeSpan elapsed) => _steps.AddOrUpdate(step, elapsed, (_, t) => t + elapsed);

        /// <summary>The steps and their seconds, in order of name, then resets.</summary>
        public IReadOnlyList<(string Step, double Seconds)> TakeSnapshot()
        {
            var snapshot = _steps.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.TotalSeconds)).ToList();
            _steps.Clear();
            return snapshot;
        }
    }

    private static IEnumerable<string> Split(string sql)
        => sql.Split(";\n").Select(s => string.Join('\n', s.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim()).Where(s => s.Length > 0);

    private static async Task ExecAsync(string cs, string sql, params object[] args)
    {
        await using var conn = await BenchDatabase.DataSource(cs).OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<(double WallSeconds, double LastStatementMs)> DuckDbWallAndLast(IEnumerable<string> statements, CancellationToken ct)
    {
        var run = await DuckDb.RunAsync(statements, ct);
        return (run.WallSeconds, run.LastStatementMs);
    }
}
