using System.Diagnostics;
using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>
/// Replaces whole hours of the warehouse inside the caller's transaction: stages the hours' events (binary COPY into
/// dw.stg_event), then runs the set-based models of Sql/load in order. Nothing is visible until the caller commits, so
/// a load stopped at any point leaves the warehouse as it was.
/// </summary>
internal static class HourReplacer
{
    /// <summary>Replaces <paramref name="hours"/> (UTC) with the events <paramref name="stage"/> writes; returns the events staged.</summary>
    public static async Task<long> ReplaceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<DateTime> hours,
        Func<StagingWriter, CancellationToken, Task> stage, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/clear.sql"), ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/begin.sql"), ct, hours.Select(AsUtc).ToArray());
        LoadProfile.Add("000 stage clear", start);
        start = Stopwatch.GetTimestamp();
        long rows;
        await using (var writer = await StagingWriter.OpenAsync(conn, ct))
        {
            await stage(writer, ct);
            await writer.CompleteAsync(ct);
            rows = writer.Rows;
        }
        LoadProfile.Add("001 stage (decode + copy)", start);
        start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/analyze.sql"), ct);
        LoadProfile.Add("002 analyze staging", start);
        foreach (var (name, sql) in WarehouseSql.LoadModels)
        {
            start = Stopwatch.GetTimestamp();
            await WarehouseSql.ExecAsync(conn, tx, sql, ct);
            LoadProfile.Add(name, start);
        }
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/clear.sql"), ct);
        return rows;
    }

    /// <summary>Takes the warehouse's load lock for the rest of <paramref name="tx"/> and sets the load's transaction settings.</summary>
    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/lock.sql"), ct, WarehouseSql.LoadLockKey);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/tune.sql"), ct);
    }

    private static DateTime AsUtc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
