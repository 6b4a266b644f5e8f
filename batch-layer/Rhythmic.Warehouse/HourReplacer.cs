using System.Diagnostics;
using Npgsql;
using Rhythmic.Core;

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
        IEventSource source, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/clear.sql"), ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/begin.sql"), ct, hours.Select(AsUtc).ToArray());
        LoadProfile.Add("0 stage clear", start);

        start = Stopwatch.GetTimestamp();
        var hourSet = new HourSet(hours.Select(AsUtc));
        var dims = new DimensionPass(hourSet);
        dims.Read(source, ct);
        LoadProfile.Add("1a dimension pass (songs, places, runs)", start);
        var keys = await dims.WriteAsync(conn, tx, ct);

        var facts = new FactPass(hourSet, dims, keys, source is StagedEventSource staged ? staged.Counted : null);
        await facts.CopyAsync(conn, source, ct);
        start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/060_fact_ts_summaries.sql"), ct);
        LoadProfile.Add("2s facts' ts index summaries", start);

        start = Stopwatch.GetTimestamp();
        // Into an empty fact_session (a full load, or the first) every part is its session's row; otherwise 070 merges.
        if (await IsEmptyAsync(conn, tx, "dw.fact_session", ct))
            await facts.Aggregates.CopySessionPartsAsync(conn, "dw.fact_session", ct);
        else
        {
            await facts.Aggregates.CopySessionPartsAsync(conn, "dw.stg_session_part", ct);
            await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/070_fact_session.sql"), ct);
        }
        LoadProfile.Add("3 fact_session", start);

        start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/080_agg_minute.sql"), ct);
        await facts.Aggregates.CopyMinutesAsync(conn, ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/080_agg_hour.sql"), ct);
        LoadProfile.Add("4a agg_minute, agg_hour", start);
        start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/081_agg_day_dates.sql"), ct);
        var otherHours = OtherHoursOfTheirDays(hours);
        if (otherHours.Length > 0) await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/081_agg_day_uncovered.sql"), ct, otherHours);
        var (covered, uncovered) = await DaysAsync(conn, tx, ct);
        if (uncovered > 0) await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/082_agg_day_rebuild.sql"), ct);
        LoadProfile.Add("4b day aggregates: coverage, uncovered days", start);
        start = Stopwatch.GetTimestamp();
        await facts.Aggregates.CopyDaysAsync(conn, covered, ct);
        LoadProfile.Add("4c day aggregates: covered days", start);
        start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/083_agg_artist_day.sql"), ct);
        LoadProfile.Add("4d agg_artist_day", start);
        start = Stopwatch.GetTimestamp();
        // Into an empty month table (a full load, or the first) the covered days' counts go straight in; SQL adds the rest.
        var songMonthsEmpty = await IsEmptyAsync(conn, tx, "dw.agg_song_month", ct);
        if (songMonthsEmpty) await facts.Aggregates.CopySongMonthsAsync(conn, covered, ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/084_agg_song_month.sql"), ct, songMonthsEmpty);
        var userMonthsEmpty = await IsEmptyAsync(conn, tx, "dw.agg_user_month", ct);
        if (userMonthsEmpty) await facts.Aggregates.CopyUserMonthsAsync(conn, covered, ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/085_agg_user_month.sql"), ct, userMonthsEmpty);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/086_agg_month_emptied.sql"), ct);
        LoadProfile.Add("4e agg_song_month, agg_user_month", start);
        start = Stopwatch.GetTimestamp();
        if (await IsEmptyAsync(conn, tx, "dw.agg_session_hour", ct)) await facts.Aggregates.CopySessionHoursAsync(conn, ct);
        else await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("load/087_agg_session_hour.sql"), ct);
        LoadProfile.Add("4f agg_session_hour", start);

        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/clear.sql"), ct);
        return dims.Rows;
    }

    private static async Task<bool> IsEmptyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select not exists (select 1 from {table})", conn, tx);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The hours of the replaced hours' dates that are not replaced.</summary>
    private static DateTime[] OtherHoursOfTheirDays(IReadOnlyCollection<DateTime> hours)
    {
        var replaced = hours.Select(AsUtc).ToHashSet();
        return replaced.Select(h => h.Date).Distinct()
            .SelectMany(d => Enumerable.Range(0, 24).Select(i => DateTime.SpecifyKind(d.AddHours(i), DateTimeKind.Utc)))
            .Where(h => !replaced.Contains(h)).Order().ToArray();
    }

    /// <summary>
    /// The days (since the Unix epoch) whose every loaded event is in the replaced hours, whose day aggregates come
    /// from the fact pass; and how many of the hours' days are not.
    /// </summary>
    private static async Task<(IReadOnlySet<long> Covered, int Uncovered)> DaysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var covered = new HashSet<long>();
        var uncovered = 0;
        await using var cmd = new NpgsqlCommand("select (day - date '1970-01-01')::bigint, covered from dw.stg_day", conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (r.GetBoolean(1)) covered.Add(r.GetInt64(0)); else uncovered++;
        return (covered, uncovered);
    }

    /// <summary>Takes the warehouse's load lock for the rest of <paramref name="tx"/> and sets the load's transaction settings.</summary>
    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/lock.sql"), ct, AdvisoryLocks.WarehouseLoad);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/tune.sql"), ct);
    }

    private static DateTime AsUtc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
