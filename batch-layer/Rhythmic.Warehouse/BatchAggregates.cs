using System.Runtime.InteropServices;
using Npgsql;
using Rhythmic.Parquet;
using static Rhythmic.Warehouse.EventColumns;

namespace Rhythmic.Warehouse;

/// <summary>
/// What the fact pass counts while it writes the facts: per minute (agg_minute), per day and song, location or
/// (user, level) (agg_song_day, agg_location_day, agg_user_day), and each session's part in the replaced hours
/// (dw.stg_session_part). The rules are those of the aggregate tables' definitions in
/// core/Rhythmic.Core/Migrations/0302_dw_aggregates_and_reconcile.sql and of fact_session's.
/// </summary>
internal sealed class BatchAggregates
{
    private readonly Dictionary<long, Minute> _minutes = [];
    private readonly Dictionary<(long Day, long Song), long> _songDays = [];
    private readonly Dictionary<(long Day, long Location), (long Plays, long PageViews)> _locationDays = [];
    private readonly Dictionary<(long Day, long UserId, string Level), (string? Gender, long Events, long Plays)> _userDays = [];
    private readonly Dictionary<long, SessionPart> _sessions = [];
    private readonly LevelStrings _levels = new();

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
                    if (r.Length >= 1 << 20) sink.Send();
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
                if (r.Length >= 1 << 20) sink.Send();
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
                if (r.Length >= 1 << 20) sink.Send();
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
                if (r.Length >= 1 << 20) sink.Send();
            }
        }, ct);
    }

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
