using System.Diagnostics;
using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>
/// Replaces whole hours of the warehouse inside the caller's transaction, in two passes over their events. The first
/// (<see cref="DimensionPass"/>) stages each distinct song and place and the users' level runs, deletes the hours'
/// facts and runs the dimension models of Sql/load. The second (<see cref="FactPass"/>) writes every fact by binary
/// COPY straight into its table, keyed in memory, and counts the aggregates; then the sessions and aggregates the
/// hours touch are rebuilt. Nothing is visible until the caller commits, so a load stopped at any point leaves the
/// warehouse as it was.
/// </summary>
internal static class HourReplacer
{
    /// <summary>Replaces <paramref name="hours"/> (UTC) with the events of <paramref name="source"/>; returns the events read.</summary>
    public static async Task<long> ReplaceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<DateTime> hours,
        IEventSource source, ILoadProfiler? profile, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/clear.sql"), ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/begin.sql"), ct, hours.Select(AsUtc).ToArray());
        profile.Add("0 stage clear", start);

        start = Stopwatch.GetTimestamp();
        var hourSet = new HourSet(hours.Select(AsUtc));
        var dims = new DimensionPass(hourSet, profile);
        dims.Read(source, ct);
        profile.Add("1a dimension pass (songs, places, runs)", start);
        var keys = await dims.WriteAsync(conn, tx, ct);

        var facts = new FactPass(hourSet, dims, keys, profile);
        await facts.CopyAsync(conn, source, ct);
        start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/060_fact_ts_summaries.sql"), ct);
        profile.Add("2s facts' ts index summaries", start);

        start = Stopwatch.GetTimestamp();
        var aggregates = facts.Aggregates;   // each aggregate's builders, in memory and in SQL, side by side in Aggregates/
        await aggregates.WriteSessionsAsync(conn, tx, ct);
        profile.Add("3 fact_session", start);

        start = Stopwatch.GetTimestamp();
        await aggregates.WriteMinutesAsync(conn, tx, ct);
        profile.Add("4a agg_minute, agg_hour", start);
        start = Stopwatch.GetTimestamp();
        var covered = await BatchAggregates.RebuildUncoveredDaysAsync(conn, tx, hours.Select(AsUtc).ToList(), ct);
        profile.Add("4b day aggregates: coverage, uncovered days", start);
        start = Stopwatch.GetTimestamp();
        await aggregates.CopyDaysAsync(conn, covered, ct);
        profile.Add("4c day aggregates: covered days", start);
        start = Stopwatch.GetTimestamp();
        await BatchAggregates.WriteArtistDaysAsync(conn, tx, ct);
        profile.Add("4d agg_artist_day", start);
        start = Stopwatch.GetTimestamp();
        await aggregates.WriteMonthsAsync(conn, tx, covered, ct);
        profile.Add("4e agg_song_month, agg_user_month", start);
        start = Stopwatch.GetTimestamp();
        await aggregates.WriteSessionHoursAsync(conn, tx, ct);
        profile.Add("4f agg_session_hour", start);

        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/clear.sql"), ct);
        return dims.Rows;
    }

    /// <summary>Sets the load's settings for the rest of <paramref name="tx"/> (the caller holds the <see cref="WarehouseLock"/>).</summary>
    public static Task TuneAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
        => WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/tune.sql"), ct);

    private static DateTime AsUtc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
