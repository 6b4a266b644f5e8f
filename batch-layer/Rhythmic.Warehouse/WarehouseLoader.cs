using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Observability;
using Rhythmic.Lake;
using Rhythmic.Lake.Identity;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Warehouse;

/// <summary>The hours (UTC) loaded by one run and the events they hold.</summary>
public sealed record LoadResult(IReadOnlyList<DateTime> Hours, long Rows);

/// <summary>
/// Builds the star schema (dw) from the lake. A full load rebuilds it from every complete hour in one transaction; an
/// incremental load replaces each complete hour that is new or whose manifest changed, a day of hours per transaction.
/// Loading the same lake twice leaves the warehouse identical.
/// </summary>
public sealed class WarehouseLoader(RhythmicSettings settings, NpgsqlDataSource dataSource, ILogger<WarehouseLoader> logger)
{
    private static readonly Counter LoadedEvents = MetricsRegistry.Default.Counter("rhythmic_warehouse_loaded_events_total", "Events loaded into the warehouse's facts.");
    private static readonly Counter LoadedHours = MetricsRegistry.Default.Counter("rhythmic_warehouse_loaded_hours_total", "Hours replaced in the warehouse.");
    private static readonly Counter BadLakeFiles = MetricsRegistry.Default.Counter("rhythmic_warehouse_bad_lake_files_total",
        "Lake files a load found recorded in the manifest but missing or unreadable (the load stopped).");

    private readonly string _lakeRoot = LakeRootBinding.Normalize(settings.PathOf(settings.Lake.Root));
    private readonly LakeManifest _manifest = new(dataSource);

    /// <summary>Where the loads report each step's time (the benchmark's); none by default.</summary>
    public ILoadProfiler? Profiler { get; init; }

    /// <summary>
    /// Rebuilds the warehouse from every complete hour of the lake, in one transaction and one batch; once committed,
    /// analyzes its tables, so the first questions are planned on statistics.
    /// </summary>
    public async Task<LoadResult> FullLoadAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await BindLakeAsync(ct);
        await using var conn = await OpenAsync(ct);
        await using var held = await WarehouseLock.HoldAsync(conn, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await HourReplacer.TuneAsync(conn, tx, ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("full/truncate.sql"), ct);
        var hours = (await LakeHours.ReadAsync(conn, tx, ct)).Where(h => h.Manifest.IsComplete).ToList();
        var rebuild = await DropIndexesAsync(conn, tx, ct);
        // One batch: the dimensions, sessions and day aggregates are each built once over the whole lake.
        var rows = hours.Count == 0 ? 0 : await ReplaceAsync(conn, tx, hours, "full", ct);
        var start = Stopwatch.GetTimestamp();
        foreach (var sql in rebuild) await WarehouseSql.ExecAsync(conn, tx, sql, ct);
        Profiler.Add("5 indexes of the tables written whole", start);
        await tx.CommitAsync(ct);
        start = Stopwatch.GetTimestamp();
        // The load is committed: a failed or cancelled ANALYZE must not make a scheduler retry it. Autovacuum analyzes later.
        try { await AnalyzeAsync(conn, ct); }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            logger.LogWarning(e, "Full load committed; analyzing its tables failed, autovacuum will analyze them instead");
        }
        Profiler.Add("6 analyze (committed)", start);
        return Done("full", hours, rows, clock);
    }

    /// <summary>Connections that analyze after a full load: the two largest tables (the event facts) side by side.</summary>
    private const int AnalyzeConnections = 2;

    /// <summary>ANALYZE of every warehouse table, largest first, on <see cref="AnalyzeConnections"/> connections (Sql/full/analyze_targets.sql).</summary>
    private async Task AnalyzeAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var tables = await WarehouseSql.ListAsync(conn, null, WarehouseSql.Read("full/analyze_targets.sql"), ct);
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(tables);
        await Task.WhenAll(Enumerable.Range(0, AnalyzeConnections).Select(async worker =>
        {
            await using var own = worker == 0 ? null : await OpenAsync(ct);
            var c = own ?? conn;
            while (queue.TryDequeue(out var table))
                await WarehouseSql.ExecAsync(c, null, $"analyze {table}", ct);
        }));
    }

    /// <summary>
    /// The tables a full load writes whole, in one COPY each, whose indexes no later step of the load needs: their indexes are
    /// dropped after the truncation and built once at the end (Sql/full/drop_indexes.sql).
    /// </summary>
    private static readonly string[] WrittenWhole =
    [
        "dw.fact_listen", "dw.fact_page_view", "dw.fact_auth", "dw.fact_level_change",
        "dw.user_level_run", "dw.fact_session", "dw.agg_song_day", "dw.agg_location_day", "dw.agg_user_day",
    ];

    /// <summary>Drops the indexes of <see cref="WrittenWhole"/>; returns the statements that build them again.</summary>
    private static async Task<List<string>> DropIndexesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var statements = new List<(string Drop, string Build)>();
        await using (var cmd = new NpgsqlCommand(WarehouseSql.Read("full/drop_indexes.sql"), conn, tx) { Parameters = { new() { Value = WrittenWhole } } })
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) statements.Add((r.GetString(0), r.GetString(1)));
        foreach (var (drop, _) in statements) await WarehouseSql.ExecAsync(conn, tx, drop, ct);
        return statements.Select(s => s.Build).ToList();
    }

    /// <summary>Replaces every complete hour that is not loaded yet or whose manifest changed since its load.</summary>
    public async Task<LoadResult> IncrementalLoadAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await BindLakeAsync(ct);
        await using var conn = await OpenAsync(ct);
        var start = Stopwatch.GetTimestamp();
        await using var held = await WarehouseLock.HoldAsync(conn, ct);
        var pending = (await LakeHours.ReadAsync(conn, null, ct)).Where(h => h.NeedsLoad).Take(settings.Warehouse.MaxHoursPerRun).ToList();
        Profiler.Add("i manifest: hours to load (and the load lock)", start);
        var rows = 0L;
        var loaded = new List<LakeHour>();
        foreach (var day in ByDay(pending))
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            start = Stopwatch.GetTimestamp();
            await HourReplacer.TuneAsync(conn, tx, ct);
            // Read again: more files may have arrived since the hours to load were chosen.
            var current = (await LakeHours.ReadAsync(conn, tx, ct)).Where(h => h.NeedsLoad).ToDictionary(h => h.Hour);
            Profiler.Add("i manifest: hours to load (and the load lock)", start);
            var todo = day.Where(h => current.ContainsKey(h.Hour)).Select(h => current[h.Hour]).ToList();
            if (todo.Count == 0) { await tx.RollbackAsync(ct); continue; }
            rows += await ReplaceAsync(conn, tx, todo, "incremental", ct);
            start = Stopwatch.GetTimestamp();
            await tx.CommitAsync(ct);
            Profiler.Add("i commit", start);
            loaded.AddRange(todo);
        }
        return Done("incremental", loaded, rows, clock);
    }

    private async Task<long> ReplaceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<LakeHour> hours, string kind, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var files = await LakeManifest.FilesAsync(conn, tx, hours.Select(h => h.Hour).ToList(), topic: null, ct);
        Profiler.Add("0 manifest: the hours' files", start);
        var storage = new LocalLakeStorage(_lakeRoot);
        var missing = files.Where(f => !storage.Exists(f.Path)).ToList();
        if (missing.Count > 0)
        {
            BadLakeFiles.Inc(missing.Count);
            logger.LogError("{Count} lake file(s) of the {Kind} load are recorded in the manifest but missing from {Root}, first {Path}: the load stops",
                missing.Count, kind, _lakeRoot, missing[0].Path);
            throw LakeFileException.Missing(missing[0].Path, _lakeRoot, missing.Count - 1);
        }
        var source = new LakeFileSource(new LakeReader(storage), files, Profiler);
        long rows;
        try
        {
            rows = await HourReplacer.ReplaceAsync(conn, tx, hours.Select(h => h.Hour).ToList(), source, Profiler, ct);
        }
        catch (LakeFileException e)
        {
            BadLakeFiles.Inc();
            logger.LogError("The {Kind} load stops on a lake file: {Reason}", kind, e.Message);
            throw;
        }
        start = Stopwatch.GetTimestamp();
        var recordSql = WarehouseSql.Read("state/record_hour.sql");
        foreach (var h in hours)
            await WarehouseSql.ExecAsync(conn, tx, recordSql, ct, h.Hour, h.Manifest.Digest, h.Manifest.Files, h.Manifest.Events, kind);
        Profiler.Add("7 load state", start);
        logger.LogInformation("Replaced {Hours} hour(s) from {First:u} with {Rows} events from {Files} files ({Kind})",
            hours.Count, hours[0].Hour, rows, files.Count, kind);
        return rows;
    }

    /// <summary>
    /// Binds Lake:Root to the manifest before reading either: a manifest whose paths are relative to another directory
    /// (lake.root, migration 0202) is refused with a one-line <see cref="LakeRootMismatchException"/>.
    /// </summary>
    private async Task BindLakeAsync(CancellationToken ct)
    {
        var binding = await _manifest.BindRootAsync(new LocalLakeStorage(_lakeRoot), ct);
        if (binding.MovedFrom is not null)
            logger.LogWarning("The lake {LakeId} moved from {From} to {Root}: the manifest follows it", binding.LakeId, binding.MovedFrom, binding.Root);
    }

    private LoadResult Done(string kind, IReadOnlyList<LakeHour> hours, long rows, Stopwatch clock)
    {
        LoadedEvents.Inc(rows);
        LoadedHours.Inc(hours.Count);
        logger.LogInformation("{Kind} load: {Hours} hour(s), {Rows} events in {Seconds:F1} s", kind, hours.Count, rows, clock.Elapsed.TotalSeconds);
        return new LoadResult(hours.Select(h => h.Hour).ToList(), rows);
    }

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => dataSource.OpenConnectionAsync(ct);

    private static IEnumerable<List<LakeHour>> ByDay(IEnumerable<LakeHour> hours)
        => hours.GroupBy(h => h.Hour.Date).OrderBy(g => g.Key).Select(g => g.OrderBy(h => h.Hour).ToList());
}
