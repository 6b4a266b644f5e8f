using System.Runtime.InteropServices;
using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>
/// The day aggregates (agg_song_day, agg_location_day, agg_user_day, agg_song_day_top, agg_day_users), built two ways
/// that give the same rows (AggregatePathTests): a date whose every fact is in the replaced hours ("covered") takes the
/// fact pass's counts (<see cref="CopyDaysAsync"/>); any other is rebuilt from its facts by day_aggregates_rebuild.sql
/// and day_aggregates_top.sql. Both keep <see cref="TopSongsPerDay"/> songs a day. agg_artist_day is summed from agg_song_day (day_aggregates_artist.sql).
/// </summary>
internal sealed partial class BatchAggregates
{
    /// <summary>
    /// Deletes the day aggregates of the replaced hours' dates (day_aggregates_dates.sql, keeping the old rows for the
    /// months), rebuilds from the facts those dates the replaced hours do not cover, and returns the covered dates (days
    /// since the Unix epoch), whose rows <see cref="CopyDaysAsync"/> then writes.
    /// </summary>
    public static async Task<IReadOnlySet<long>> RebuildUncoveredDaysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<DateTime> hours,
        CancellationToken ct)
    {
        await ExecAsync(conn, tx, "day_aggregates_dates.sql", ct);
        var otherHours = OtherHoursOfTheirDays(hours);
        if (otherHours.Length > 0) await ExecAsync(conn, tx, "day_aggregates_uncovered.sql", ct, otherHours);
        var (covered, uncovered) = await DaysAsync(conn, tx, ct);
        if (uncovered > 0)
        {
            await ExecAsync(conn, tx, "day_aggregates_rebuild.sql", ct);
            await ExecAsync(conn, tx, "day_aggregates_top.sql", ct, TopSongsPerDay);
        }
        return covered;
    }

    /// <summary>agg_artist_day of the replaced hours' dates, once their agg_song_day rows are in.</summary>
    public static Task WriteArtistDaysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
        => ExecAsync(conn, tx, "day_aggregates_artist.sql", ct);

    /// <summary>The hours of the replaced hours' dates that are not replaced.</summary>
    private static DateTime[] OtherHoursOfTheirDays(IReadOnlyCollection<DateTime> hours)
    {
        var replaced = hours.ToHashSet();
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

    /// <summary>The day aggregates of the days in <paramref name="days"/> (days since the Unix epoch): those the replaced hours hold all of.</summary>
    public async Task CopyDaysAsync(NpgsqlConnection conn, IReadOnlySet<long> days, CancellationToken ct)
    {
        if (days.Count == 0) return;
        await CopyPipeline.RunAsync(conn, "copy dw.agg_song_day (day, song_key, plays) from stdin (format binary)", sink =>
        {
            var r = sink.Rows;
            foreach (var ((day, song), plays) in _songDays)
            {
                if (!days.Contains(day)) continue;
                r.StartRow(3);
                r.Date(day);
                r.Int64(song);
                r.Int64(plays);
                sink.SendWhenFull();
            }
        }, ct);
        await CopyPipeline.RunAsync(conn, "copy dw.agg_location_day (day, location_key, plays, page_views) from stdin (format binary)", sink =>
        {
            var r = sink.Rows;
            foreach (var ((day, location), (plays, pageViews)) in _locationDays)
            {
                if (!days.Contains(day)) continue;
                r.StartRow(4);
                r.Date(day);
                r.Int64(location);
                r.Int64(plays);
                r.Int64(pageViews);
                sink.SendWhenFull();
            }
        }, ct);
        await CopyPipeline.RunAsync(conn, "copy dw.agg_user_day (day, user_id, level, gender, events, plays) from stdin (format binary)", sink =>
        {
            var r = sink.Rows;
            foreach (var ((day, userId, level), (gender, events, plays)) in _userDays)
            {
                if (!days.Contains(day)) continue;
                r.StartRow(6);
                r.Date(day);
                r.Int64(userId);
                r.Text(level);
                r.Text(gender);
                r.Int64(events);
                r.Int64(plays);
                sink.SendWhenFull();
            }
        }, ct);
        await CopyPipeline.RunAsync(conn, "copy dw.agg_song_day_top (day, rank, song_key, plays) from stdin (format binary)", sink =>
        {
            var r = sink.Rows;
            foreach (var (day, songs) in SongsByDay(days))
                for (var i = 0; i < Math.Min(songs.Count, TopSongsPerDay); i++)
                {
                    r.StartRow(4);
                    r.Date(day);
                    r.Int32(i + 1);
                    r.Int64(songs[i].Song);
                    r.Int64(songs[i].Plays);
                }
        }, ct);
        await CopyPipeline.RunAsync(conn, "copy dw.agg_day_users (day, users, plays) from stdin (format binary)", sink =>
        {
            var r = sink.Rows;
            foreach (var (day, (users, plays)) in UsersByDay(days))
            {
                r.StartRow(3);
                r.Date(day);
                r.Int64(users);
                r.Int64(plays);
            }
        }, ct);
    }

    /// <summary>Each of <paramref name="days"/>' songs, most played first (then by song key, as dw.top_songs ranks them).</summary>
    private Dictionary<long, List<(long Song, long Plays)>> SongsByDay(IReadOnlySet<long> days)
    {
        var byDay = new Dictionary<long, List<(long Song, long Plays)>>();
        foreach (var ((day, song), plays) in _songDays)
        {
            if (!days.Contains(day)) continue;
            ref var songs = ref CollectionsMarshal.GetValueRefOrAddDefault(byDay, day, out _);
            (songs ??= []).Add((song, plays));
        }
        foreach (var songs in byDay.Values)
            songs.Sort(static (a, b) => a.Plays != b.Plays ? b.Plays.CompareTo(a.Plays) : a.Song.CompareTo(b.Song));
        return byDay;
    }

    /// <summary>Each of <paramref name="days"/>' distinct logged-in users and their plays (agg_day_users).</summary>
    private Dictionary<long, (long Users, long Plays)> UsersByDay(IReadOnlySet<long> days)
    {
        var seen = new HashSet<(long Day, long UserId)>();
        var byDay = new Dictionary<long, (long Users, long Plays)>();
        foreach (var ((day, userId, _), (_, _, plays)) in _userDays)
        {
            if (!days.Contains(day)) continue;
            ref var d = ref CollectionsMarshal.GetValueRefOrAddDefault(byDay, day, out _);
            if (seen.Add((day, userId))) d.Users++;
            d.Plays += plays;
        }
        return byDay;
    }
}
