using System.Runtime.InteropServices;
using Npgsql;
using Rhythmic.Parquet;
using static Rhythmic.Warehouse.EventColumns;

namespace Rhythmic.Warehouse;

/// <summary>
/// What the fact pass counts while it writes the facts: per minute (agg_minute), per day and song, location or
/// (user, level) (agg_song_day, agg_location_day, agg_user_day), and each session's part in the replaced hours
/// (dw.stg_session_part). The rules are those of the aggregate tables' definitions in
/// batch-layer/Rhythmic.Warehouse/Migrations/0302_dw_aggregates_and_reconcile.sql and of fact_session's. The coarser aggregates of
/// 0309_dw_coarse_aggregates.sql are summed from these counts where they hold everything (covered days, empty tables).
/// Each aggregate's file in this folder holds both its builders, these counts and the SQL that rebuilds it from the
/// facts otherwise (FactSession.cs and fact_session.sql, DayAggregates.cs and day_aggregates_*.sql, ...), and the rule
/// choosing between them; tests/Rhythmic.Warehouse.Tests/AggregatePathTests.cs proves the two give the same rows.
/// </summary>
internal sealed partial class BatchAggregates
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

    /// <summary>Whether <paramref name="table"/> holds no row: the in-memory counts are then all of it.</summary>
    private static async Task<bool> IsEmptyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select not exists (select 1 from {table})", conn, tx);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Runs one of the aggregates' SQL models (Aggregates/*.sql).</summary>
    private static Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string model, CancellationToken ct, params object[] args)
        => WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("aggregates/" + model), ct, args);

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
