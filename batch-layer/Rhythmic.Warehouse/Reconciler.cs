using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Observability;

namespace Rhythmic.Warehouse;

/// <summary>One unexplained difference between the speed layer's and the warehouse's totals.</summary>
public sealed record ReconcileDifference(string Measure, DateTime Minute, string Key, long SpeedValue, long WarehouseValue, long LateEvents);

/// <summary>The outcome of reconciling one closed hour.</summary>
public sealed record ReconcileResult(DateTime Hour, IReadOnlyList<ReconcileDifference> Differences)
{
    /// <summary>True when the speed layer and the warehouse agree (late events allowed for).</summary>
    public bool Clean => Differences.Count == 0;
}

/// <summary>
/// Compares, for a closed and loaded hour, the speed layer's serving totals (listens per song, page views, logins,
/// active users, per minute) with the warehouse's, allowing for the late events the speed layer counted but left to
/// the batch layer; records every run and difference in ops.reconcile_run / ops.reconcile_difference.
/// </summary>
public sealed class Reconciler(NpgsqlDataSource dataSource, ILogger<Reconciler> logger)
{
    private static readonly Gauge LastDifferences = MetricsRegistry.Default.Gauge("rhythmic_reconcile_differences", "Differences found by the last reconcile run.");

    /// <summary>Reconciles the hour starting at <paramref name="hourUtc"/> (truncated to the hour).</summary>
    public async Task<ReconcileResult> ReconcileAsync(DateTime hourUtc, CancellationToken ct)
    {
        var hour = new DateTime(hourUtc.Year, hourUtc.Month, hourUtc.Day, hourUtc.Hour, 0, 0, DateTimeKind.Utc);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var loaded = new NpgsqlCommand(WarehouseSql.Read("reconcile/is_loaded.sql"), conn, tx) { Parameters = { new() { Value = hour } } })
            if (await loaded.ExecuteScalarAsync(ct) is not true)
                throw new RhythmicException($"Hour {hour:yyyy-MM-dd HH}:00 UTC is not loaded in the warehouse yet; run 'rhythmic load incremental' once it is complete.");

        var differences = new List<ReconcileDifference>();
        await using (var cmd = new NpgsqlCommand(WarehouseSql.Read("reconcile/differences.sql"), conn, tx) { CommandTimeout = 0, Parameters = { new() { Value = hour } } })
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                differences.Add(new ReconcileDifference(reader.GetString(0), reader.GetFieldValue<DateTime>(1), reader.GetString(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));

        long runId;
        await using (var run = new NpgsqlCommand(WarehouseSql.Read("reconcile/record_run.sql"), conn, tx) { Parameters = { new() { Value = hour }, new() { Value = differences.Count } } })
            runId = (long)(await run.ExecuteScalarAsync(ct))!;
        var recordSql = WarehouseSql.Read("reconcile/record_difference.sql");
        foreach (var d in differences)
            await WarehouseSql.ExecAsync(conn, tx, recordSql, ct, runId, d.Measure, d.Minute, d.Key, d.SpeedValue, d.WarehouseValue, d.LateEvents);
        await tx.CommitAsync(ct);

        LastDifferences.Set(differences.Count);
        if (differences.Count == 0) logger.LogInformation("Reconciled {Hour:u}: speed layer and warehouse agree", hour);
        else logger.LogWarning("Reconciled {Hour:u}: {Count} difference(s) between the speed layer and the warehouse (run {RunId})", hour, differences.Count, runId);
        return new ReconcileResult(hour, differences);
    }
}
