using System.Runtime.InteropServices;
using Npgsql;
using Rhythmic.Parquet;
using static Rhythmic.Warehouse.EventColumns;

namespace Rhythmic.Warehouse;

/// <summary>
/// What the fact pass counts while it writes the facts: per minute (agg_minute), per day and song, location or
/// (user, level) (agg_song_day, agg_location_day, agg_user_day), and each session's part in the replaced hours
/// (dw.stg_session_part). The rules are those of the aggregate tables' definitions in
/// core/Rhythmic.Core/Migrations/0302_dw_aggregates_and_reconcile.sql and of fact_session's. The coarser aggregates of
/// 0309_dw_coarse_aggregates.sql are summed from these counts where they hold everything (covered days, empty tables).
/// </summary>
internal sealed class BatchAggregates
{
    private readonly Dictionary<long, Minute> _minutes = [];
    private readonly Dictionary<(long Day, long Song), long> _songDays = [];
    private readonly Dictionary<(long Day, long Location), (long Plays, long PageViews)> _locationDays = [];
    private readonly Dictionary<(long Day, long UserId, string Level), (string? Gender, long Events, long Plays)> _userDays = [];
    private readonly Dictionary<long, SessionPart> _sessions = [];
    private readonly LevelStrings _levels = new();

    /// <summary>How many of each date's most played songs dw.agg_song_day_top keeps (and dw.top_songs relies on).</summary>
    public const int TopSongsPerDay = 100;

    private const long MicrosPerHour = 3_600_000_000;

    public int Sessions => _sessions.Count;

    public void Listen(long minute, long dateKey, long day, long songKey)
    {
        MinuteOf(minute, dateKey).Plays++;
        CollectionsMarshal.GetValueRefOrAddDefault(_songDays, (day, songKey), out _)++;
    }

    public void PageView(long minute, long dateKey, long day, long timeKey, long ts, ColumnBuffer?[] c, int row, long locationKey, long userKey, UserVersions.Entry? user)
    {
        var item = Cells.Int(c[ItemInSession], row) ?? 0;
        var isListen = c[Page] is { } page && !page.IsNull(row) && page.GetBytes(row).SequenceEqual("NextSong"u8);
        ref var m = ref MinuteOf(minute, dateKey);
        m.PageViews++;
        if (item == 0) m.SessionsStarted++;
        ref var loc = ref CollectionsMarshal.GetValueRefOrAddDefault(_locationDays, (day, locationKey), out _);
        loc.PageViews++;
        if (isListen) loc.Plays++;
        var level = c[Level] is { } lv && !lv.IsNull(row) ? _levels.Of(lv.GetBytes(row)) : "";
        if (userKey != 0 && user is not null)
        {
            ref var u = ref CollectionsMarshal.GetValueRefOrAddDefault(_userDays, (day, user.UserId, level), out _);
            u.Gender = user.Gender;
            u.Events++;
            if (isListen) u.Plays++;
        }
        if (Cells.Long(c[SessionId], row) is not { } sessionId) return;
        ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(_sessions, sessionId, out var seen);
        if (!seen)
        {
            s = new SessionPart { FirstTs = ts, FirstItem = item, DateKey = dateKey, TimeKey = timeKey, Level = level, LocationKey = locationKey, StartTs = ts, EndTs = ts };
            s.LoginTs = long.MaxValue;
        }
        else
        {
            if (ts < s.FirstTs || (ts == s.FirstTs && item < s.FirstItem))
                (s.FirstTs, s.FirstItem, s.DateKey, s.TimeKey, s.Level, s.LocationKey) = (ts, item, dateKey, timeKey, level, locationKey);
            s.StartTs = Math.Min(s.StartTs, ts);
            s.EndTs = Math.Max(s.EndTs, ts);
        }
        if (userKey != 0 && (ts < s.LoginTs || (ts == s.LoginTs && item < s.LoginItem)))
            (s.LoginTs, s.LoginItem, s.UserKey) = (ts, item, userKey);
        s.Events++;
        if (isListen) s.Listens++;
    }

    public void Auth(long minute, long dateKey, bool success)
    {
        ref var m = ref MinuteOf(minute, dateKey);
        m.LoginAttempts++;
        if (success) m.Logins++;
    }

    public void LevelChange(long minute, long dateKey) => MinuteOf(minute, dateKey).LevelChanges++;

    private ref Minute MinuteOf(long minute, long dateKey)
    {
        ref var m = ref CollectionsMarshal.GetValueRefOrAddDefault(_minutes, minute, out var seen);
        if (!seen) m.DateKey = dateKey;
        return ref m;
    }

    /// <summary>The sessions' parts, into <paramref name="table"/>: dw.stg_session_part, or dw.fact_session itself while it is empty.</summary>
    public Task CopySessionPartsAsync(NpgsqlConnection conn, string table, CancellationToken ct)
        => CopyPipeline.RunAsync(conn,
            $"copy {table} (session_id, date_key, time_key, user_key, location_key, level, start_ts, end_ts, events, listens) from stdin (format binary)",
            sink =>
            {
                var r = sink.Rows;
                foreach (var (id, s) in _sessions)
                {
                    r.StartRow(10);
                    r.Int64(id);
                    r.Int64(s.DateKey);
                    r.Int64(s.TimeKey);
                    r.Int64(s.LoginTs == long.MaxValue ? 0 : s.UserKey);
                    r.Int64(s.LocationKey);
                    r.Text(s.Level);
                    r.TimestampMicros(s.StartTs);
                    r.TimestampMicros(s.EndTs);
                    r.Int32(s.Events);
                    r.Int32(s.Listens);
                    sink.SendWhenFull();
                }
            }, ct);

    /// <summary>The replaced hours' minutes, into dw.agg_minute (whose rows of those hours are deleted).</summary>
    public Task CopyMinutesAsync(NpgsqlConnection conn, CancellationToken ct)
        => CopyPipeline.RunAsync(conn,
            "copy dw.agg_minute (minute, date_key, plays, page_views, login_attempts, logins, level_changes, sessions_started) from stdin (format binary)",
            sink =>
            {
                var r = sink.Rows;
                foreach (var (minute, m) in _minutes)
                {
                    r.StartRow(8);
                    r.TimestampMicros(minute);
                    r.Int64(m.DateKey);
                    r.Int64(m.Plays);
                    r.Int64(m.PageViews);
                    r.Int64(m.LoginAttempts);
                    r.Int64(m.Logins);
                    r.Int64(m.LevelChanges);
                    r.Int64(m.SessionsStarted);
                }
            }, ct);

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

    /// <summary>
    /// The plays per month and song of the days in <paramref name="days"/>, into dw.agg_song_month while it is empty
    /// (the loader adds the other days' by SQL).
    /// </summary>
    public Task CopySongMonthsAsync(NpgsqlConnection conn, IReadOnlySet<long> days, CancellationToken ct)
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
    public Task CopyUserMonthsAsync(NpgsqlConnection conn, IReadOnlySet<long> days, CancellationToken ct)
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

    /// <summary>
    /// The sessions and their listens per hour of start, into dw.agg_session_hour while it is empty: fact_session was
    /// empty too before this load, so the sessions' parts are whole sessions.
    /// </summary>
    public Task CopySessionHoursAsync(NpgsqlConnection conn, CancellationToken ct)
        => CopyPipeline.RunAsync(conn, "copy dw.agg_session_hour (hour, sessions, listens) from stdin (format binary)", sink =>
        {
            var hours = new Dictionary<long, (long Sessions, long Listens)>();
            foreach (var s in _sessions.Values)
            {
                ref var h = ref CollectionsMarshal.GetValueRefOrAddDefault(hours, s.StartTs - ((s.StartTs % MicrosPerHour) + MicrosPerHour) % MicrosPerHour, out _);
                h.Sessions++;
                h.Listens += s.Listens;
            }
            var r = sink.Rows;
            foreach (var (hour, (sessions, listens)) in hours)
            {
                r.StartRow(3);
                r.TimestampMicros(hour);
                r.Int64(sessions);
                r.Int64(listens);
            }
        }, ct);

    /// <summary>The first day of the month of a day (both in days since the Unix epoch).</summary>
    private static long MonthOf(long unixDay)
    {
        var date = DateOnly.FromDayNumber(checked((int)(unixDay + UnixEpochDayNumber)));
        return new DateOnly(date.Year, date.Month, 1).DayNumber - UnixEpochDayNumber;
    }

    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    private struct Minute
    {
        public long DateKey, Plays, PageViews, LoginAttempts, Logins, LevelChanges, SessionsStarted;
    }

    private struct SessionPart
    {
        public long FirstTs, DateKey, TimeKey, LocationKey, StartTs, EndTs, LoginTs, UserKey;
        public int FirstItem, LoginItem, Events, Listens;
        public string Level;
    }
}
