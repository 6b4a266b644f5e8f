using System.Runtime.InteropServices;
using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>
/// The month aggregates (agg_song_month, agg_user_month), built two ways that give the same rows (AggregatePathTests):
/// into an empty table (a full load, or the first) the covered dates' counts go straight in and SQL adds the rest; into a
/// table that holds rows, month_aggregates_song.sql and month_aggregates_user.sql apply the replaced dates' difference.
/// </summary>
internal sealed partial class BatchAggregates
{
    /// <summary>Brings the months of the replaced hours' dates up to date, <paramref name="covered"/> being the dates the fact pass counted whole.</summary>
    public async Task WriteMonthsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlySet<long> covered, CancellationToken ct)
    {
        var songMonthsEmpty = await IsEmptyAsync(conn, tx, "dw.agg_song_month", ct);
        if (songMonthsEmpty) await CopySongMonthsAsync(conn, covered, ct);
        await ExecAsync(conn, tx, "month_aggregates_song.sql", ct, songMonthsEmpty);
        var userMonthsEmpty = await IsEmptyAsync(conn, tx, "dw.agg_user_month", ct);
        if (userMonthsEmpty) await CopyUserMonthsAsync(conn, covered, ct);
        await ExecAsync(conn, tx, "month_aggregates_user.sql", ct, userMonthsEmpty);
        await ExecAsync(conn, tx, "month_aggregates_emptied.sql", ct);
    }

    /// <summary>
    /// The plays per month and song of the days in <paramref name="days"/>, into dw.agg_song_month while it is empty
    /// (the loader adds the other days' by SQL).
    /// </summary>
    private Task CopySongMonthsAsync(NpgsqlConnection conn, IReadOnlySet<long> days, CancellationToken ct)
        => CopyPipeline.RunAsync(conn, "copy dw.agg_song_month (month, song_key, plays) from stdin (format binary)", sink =>
        {
            var months = new Dictionary<(long Month, long Song), long>();
            foreach (var ((day, song), plays) in _songDays)
                if (days.Contains(day)) CollectionsMarshal.GetValueRefOrAddDefault(months, (MonthOf(day), song), out _) += plays;
            var r = sink.Rows;
            foreach (var ((month, song), plays) in months.OrderBy(p => p.Key))   // in key order: the primary key grows at its end
            {
                r.StartRow(3);
                r.Date(month);
                r.Int64(song);
                r.Int64(plays);
                sink.SendWhenFull();
            }
        }, ct);

    /// <summary>
    /// The days of each month that each (user, level, gender) was active, of the days in <paramref name="days"/>, into
    /// dw.agg_user_month while it is empty (the loader adds the other days' by SQL).
    /// </summary>
    private Task CopyUserMonthsAsync(NpgsqlConnection conn, IReadOnlySet<long> days, CancellationToken ct)
        => CopyPipeline.RunAsync(conn, "copy dw.agg_user_month (month, user_id, level, gender, days) from stdin (format binary)", sink =>
        {
            var months = new Dictionary<(long Month, long UserId, string Level, string? Gender), int>();
            foreach (var ((day, userId, level), (gender, _, _)) in _userDays)
            {
                if (!days.Contains(day)) continue;
                var month = MonthOf(day);
                CollectionsMarshal.GetValueRefOrAddDefault(months, (month, userId, level, gender), out _) |= 1 << (int)(day - month);
            }
            var r = sink.Rows;
            foreach (var ((month, userId, level, gender), bits) in months.OrderBy(p => p.Key.Month).ThenBy(p => p.Key.UserId))
            {
                r.StartRow(5);
                r.Date(month);
                r.Int64(userId);
                r.Text(level);
                r.Text(gender);
                r.Int32(bits);
                sink.SendWhenFull();
            }
        }, ct);
}
