using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;
using Rhythmic.Core.Events;
using Rhythmic.Parquet;
using Rhythmic.Warehouse.UserAgents;
using static Rhythmic.Warehouse.EventColumns;

namespace Rhythmic.Warehouse;

/// <summary>
/// The first of a load's two passes over the replaced hours' events, on two threads ("lanes": page views, and the
/// other topics): each numbers the distinct songs, places and user agents it meets, remembers every row's numbers for
/// the second pass, and collects the level runs of each user and hour. <see cref="WriteAsync"/> then stages these few
/// rows (the lanes' numbers made one by an offset per lane), runs the dimension models, and reads back the keys the
/// facts need.
/// </summary>
internal sealed class DimensionPass
{
    /// <summary>The columns the first pass reads.</summary>
    public static readonly bool[] Wanted = Of(Ts, Level, City, Zip, State, UserAgent, Lon, Lat, UserId, FirstName, LastName, Gender, Registration, Artist, Song, Duration);

    private const string VersionCopyCommand =
        "copy dw.stg_user_version_new (user_id, level, valid_from, valid_to, first_name, last_name, gender, registration) from stdin (format binary)";

    private const string LevelRunCopyCommand =
        "copy dw.user_level_run (hour, user_id, first_ts, last_ts, level, first_name, last_name, gender, registration) from stdin (format binary)";

    private readonly DimensionLane[] _lanes;
    private readonly ILoadProfiler? _profile;

    public DimensionPass(HourSet hours, ILoadProfiler? profile)
    {
        _profile = profile;
        _lanes = [new DimensionLane(hours, [Topics.PageView]), new DimensionLane(hours, Topics.All.Where(t => t != Topics.PageView).ToArray())];
    }

    /// <summary>Events of the replaced hours read.</summary>
    public long Rows => _lanes.Sum(l => l.Rows);

    /// <summary>The lane that read <paramref name="topic"/>: the fact pass takes that row's numbers from it.</summary>
    public DimensionLane LaneOf(string topic) => _lanes.Single(l => l.Topics.Contains(topic));

    /// <summary>Reads every topic of <paramref name="source"/>, a lane per thread.</summary>
    public void Read(IEventSource source, CancellationToken ct)
    {
        try
        {
            Parallel.ForEach(_lanes, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = _lanes.Length }, lane =>
            {
                foreach (var topic in Cells.TopicOrder.Where(lane.Topics.Contains))
                    foreach (var block in source.Read(topic, Wanted, ct))
                        lane.Add(block);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1 || e.InnerExceptions.Any(x => x is Rhythmic.Core.RhythmicException))
        {
            // The lane's own error, as one thread would have thrown it; when both lanes failed (two missing lake files,
            // say), the one that explains itself to the user.
            var first = e.InnerExceptions.FirstOrDefault(x => x is Rhythmic.Core.RhythmicException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <summary>
    /// Stages the level runs, songs, places and user agents, runs the dimension models (dim_date and partitions,
    /// dim_song, dim_location, dim_user_agent, user_level_run, dim_user, moving other hours' facts to changed user rows)
    /// after deleting the replaced hours' facts, and returns the keys the facts take.
    /// </summary>
    public async Task<DimensionKeys> WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var songs = new List<(string Artist, string Title, double Duration)>();
        var places = new List<(string City, string State, string Zip, double Lat, double Lon)>();
        var agents = new List<string>();
        foreach (var lane in _lanes)
        {
            lane.SongOffset = songs.Count;
            lane.PlaceOffset = places.Count;
            lane.AgentOffset = agents.Count;
            songs.AddRange(lane.Songs);
            places.AddRange(lane.Places);
            agents.AddRange(lane.Agents);
        }
        var runs = LevelRunBuilder.Build(_lanes.Select(l => l.Runs).ToList(), ct);
        _profile.Add("1b level runs build", start);

        start = Stopwatch.GetTimestamp();
        var users = runs.Select(r => r.UserId).Distinct().ToList();
        await CopyPipeline.RunAsync(conn, "copy dw.stg_user (user_id) from stdin (format binary)", sink =>
        {
            foreach (var u in users) { sink.Rows.StartRow(1); sink.Rows.Int64(u); }
        }, ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/songs.sql"), ct,
            Enumerable.Range(1, songs.Count).ToArray(), songs.Select(k => k.Artist).ToArray(), songs.Select(k => k.Title).ToArray(),
            songs.Select(k => k.Duration).ToArray());
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/places.sql"), ct,
            Enumerable.Range(1, places.Count).ToArray(), places.Select(k => k.City).ToArray(), places.Select(k => k.State).ToArray(),
            places.Select(k => k.Zip).ToArray(), places.Select(k => k.Lat).ToArray(), places.Select(k => k.Lon).ToArray());
        await UserAgentDimension.StageAsync(conn, tx, agents, ct);
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/analyze.sql"), ct);
        _profile.Add("1c stage users, songs, places", start);
        foreach (var model in new[] { "010_prepare", "020_dim_song", "030_dim_location", "035_dim_user_agent", "040_user_level_run" })
            await RunModelAsync(conn, tx, model, ct);

        // dim_user's rows of the touched users, from their other runs and the new ones; the new runs join the others.
        start = Stopwatch.GetTimestamp();
        var versions = new UserVersionBuilder();
        await using (var cmd = new NpgsqlCommand(WarehouseSql.Read("stage/user_runs.sql"), conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                versions.Add(new LevelRunBuilder.Run(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
                    r.IsDBNull(8) ? null : r.GetInt64(8)));
        foreach (var run in runs) versions.Add(run);
        await CopyPipeline.RunAsync(conn, LevelRunCopyCommand, sink =>
        {
            foreach (var run in runs)
            {
                LevelRunBuilder.Write(sink.Rows, run);
                sink.SendWhenFull();
            }
        }, ct);
        await CopyPipeline.RunAsync(conn, VersionCopyCommand, sink => versions.Encode(sink.Rows), ct);
        _profile.Add("1e user runs and rows", start);
        foreach (var model in new[] { "045_delete_hours", "050_dim_user", "055_fact_user_remap" })
            await RunModelAsync(conn, tx, model, ct);

        start = Stopwatch.GetTimestamp();
        var keys = new DimensionKeys(await RefKeysAsync(conn, tx, "select song_ref, song_key from dw.stg_song", songs.Count, ct),
            await RefKeysAsync(conn, tx, "select place_ref, location_key from dw.stg_place", places.Count, ct),
            await RefKeysAsync(conn, tx, "select user_agent_ref, user_agent_key from dw.stg_user_agent", agents.Count, ct),
            await UserVersions.ReadAsync(conn, tx, ct));
        _profile.Add("1d read keys", start);
        return keys;
    }

    private async Task RunModelAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string model, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read($"load/{model}.sql"), ct);
        _profile.Add($"warehouse/load/{model}.sql", start);
    }

    private static async Task<long[]> RefKeysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, int count, CancellationToken ct)
    {
        var keys = new long[count + 1];
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) keys[r.GetInt32(0)] = r.GetInt64(1);
        return keys;
    }
}

/// <summary>
/// One thread of the dimension pass, over some topics: numbers each distinct song, place and user agent (by their bytes,
/// so only a new one becomes strings), remembers every row's numbers, and collects the level runs
/// (<see cref="LevelRunBuilder"/>).
/// Its numbers start at 1; the pass adds the lane's offset when it merges the lanes.
/// </summary>
internal sealed class DimensionLane(HourSet hours, string[] topics)
{
    private readonly HourSet _hours = hours.Clone();
    private readonly RefNumbers _songRefs = new();
    private readonly RefNumbers _placeRefs = new();
    private readonly RefNumbers _agentRefs = new();
    private readonly Dictionary<long, UserStrings> _users = [];
    private readonly LevelStrings _levels = new();
    private readonly StringCache _strings = new();

    public string[] Topics => topics;
    public List<(string Artist, string Title, double Duration)> Songs { get; } = [];
    public List<(string City, string State, string Zip, double Lat, double Lon)> Places { get; } = [];
    public List<string> Agents { get; } = [];
    public LevelRunBuilder Runs { get; } = new();

    /// <summary>Added to this lane's song, place and user agent numbers (0: none stays 0) to make them the load's.</summary>
    public int SongOffset { get; set; }
    public int PlaceOffset { get; set; }
    public int AgentOffset { get; set; }

    /// <summary>The next row the fact pass takes numbers for.</summary>
    public int Cursor { get; set; }

    /// <summary>Each row's song number (0: none), place number and user agent number (0: none), in the order read.</summary>
    public IntList SongRefs { get; } = new();
    public IntList PlaceRefs { get; } = new();
    public IntList AgentRefs { get; } = new();

    /// <summary>Rows of the replaced hours read.</summary>
    public long Rows { get; private set; }

    public void Add(EventBlock block)
    {
        var c = block.Columns;
        for (var row = 0; row < block.Count; row++)
        {
            var ts = Cells.Micros(c[Ts], row) ?? throw new InvalidDataException($"A {block.Topic} event has no ts.");
            var hour = HourSet.HourOf(ts);
            if (!_hours.Contains(hour)) continue;
            SongRefs.Add(SongRef(c, row));
            PlaceRefs.Add(PlaceRef(block.Topic, c, row));
            AgentRefs.Add(AgentRef(c, row));
            if (c[UserId] is { } u && !u.IsNull(row) && c[Level] is { } lv && !lv.IsNull(row))
            {
                var userId = Cells.Long(u, row)!.Value;
                ref var names = ref CollectionsMarshal.GetValueRefOrAddDefault(_users, userId, out _);
                names ??= new UserStrings();
                names.Attributes = UserAttributes.Reuse(names.Attributes, names.First.Of(c[FirstName], row, _strings),
                    names.Last.Of(c[LastName], row, _strings), names.Gender.Of(c[Gender], row, _strings), Cells.Micros(c[Registration], row));
                Runs.Add(hour, userId, ts, _levels.Of(lv.GetBytes(row)), names.Attributes);
            }
            Rows++;
        }
    }

    /// <summary>The song's number: 0 unless artist, title and duration are all present, as dim_song requires.</summary>
    private int SongRef(ColumnBuffer?[] c, int row)
    {
        if (!Cells.Has(c[Artist], row) || !Cells.Has(c[Song], row) || Cells.Double(c[Duration], row) is not { } duration) return 0;
        var artist = c[Artist]!.GetBytes(row);
        var title = c[Song]!.GetBytes(row);
        var number = _songRefs.Begin().Add(artist).Add(title).Add(duration).Number(out var added);
        if (added) Songs.Add((_strings.Get(artist), _strings.Get(title), duration));
        return number;
    }

    /// <summary>The place's number; every event has a full place (city, state, zip, lat, lon).</summary>
    private int PlaceRef(string topic, ColumnBuffer?[] c, int row)
    {
        if (!Cells.Has(c[City], row) || !Cells.Has(c[State], row) || !Cells.Has(c[Zip], row)
            || Cells.Double(c[Lat], row) is not { } lat || Cells.Double(c[Lon], row) is not { } lon)
            throw new InvalidDataException($"A {topic} event lacks part of its place (city, state, zip, lat, lon).");
        var city = c[City]!.GetBytes(row);
        var state = c[State]!.GetBytes(row);
        var zip = c[Zip]!.GetBytes(row);
        var number = _placeRefs.Begin().Add(city).Add(state).Add(zip).Add(lat).Add(lon).Number(out var added);
        if (added) Places.Add((_strings.Get(city), _strings.Get(state), _strings.Get(zip), lat, lon));
        return number;
    }

    /// <summary>The user agent's number: 0 when the event has none (its facts take dim_user_agent's "none" row).</summary>
    private int AgentRef(ColumnBuffer?[] c, int row)
    {
        if (!Cells.Has(c[UserAgent], row)) return 0;
        var agent = c[UserAgent]!.GetBytes(row);
        var number = _agentRefs.Begin().Add(agent).Number(out var added);
        if (added) Agents.Add(_strings.Get(agent));
        return number;
    }

    /// <summary>A user's name and gender as last read: the same bytes again give the same string without a lookup.</summary>
    private sealed class UserStrings
    {
        public LastString First, Last, Gender;
        public UserAttributes? Attributes;
    }

    private struct LastString
    {
        private byte[]? _utf8;
        private string? _value;

        public string? Of(ColumnBuffer? b, int row, StringCache strings)
        {
            if (b is null || b.IsNull(row)) return null;
            var utf8 = b.GetBytes(row);
            if (_utf8 is null || !utf8.SequenceEqual(_utf8))
            {
                _utf8 = utf8.ToArray();
                _value = strings.Get(utf8);
            }
            return _value;
        }
    }
}

/// <summary>The keys of a load's songs, places and user agents by their numbers (0, none, is key 0), and its users' dim_user rows.</summary>
internal sealed record DimensionKeys(long[] SongKeys, long[] LocationKeys, long[] UserAgentKeys, UserVersions Users);

/// <summary>
/// The dim_user rows of the users a load touches (dw.stg_user), after the dimension models rebuilt them: for each
/// user, its rows' valid_from (ascending, Unix microseconds), valid_to and keys, and its gender.
/// </summary>
internal sealed class UserVersions
{
    private readonly Dictionary<long, Entry> _users = [];

    public int Count => _users.Count;

    /// <summary>The key of the row of <paramref name="userId"/> valid at <paramref name="tsMicros"/>, or 0 when none is.</summary>
    public long KeyAt(long userId, long tsMicros, out Entry? user)
    {
        if (!_users.TryGetValue(userId, out user)) return 0;
        var from = user.ValidFrom;
        var i = from.Length - 1;
        while (i >= 0 && from[i] > tsMicros) i--;
        return i >= 0 && tsMicros < user.ValidTo[i] ? user.Keys[i] : 0;
    }

    public static async Task<UserVersions> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var versions = new UserVersions();
        await using var cmd = new NpgsqlCommand(WarehouseSql.Read("stage/user_versions.sql"), conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<(long From, long To, long Key)>();
        long current = 0;
        string? gender = null;
        while (await r.ReadAsync(ct))
        {
            var userId = r.GetInt64(0);
            if (rows.Count > 0 && userId != current) { versions.Add(current, gender, rows); rows.Clear(); }
            current = userId;
            gender = r.IsDBNull(4) ? null : r.GetString(4);
            rows.Add((r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)));
        }
        if (rows.Count > 0) versions.Add(current, gender, rows);
        return versions;
    }

    private void Add(long userId, string? gender, List<(long From, long To, long Key)> rows)
        => _users[userId] = new Entry(userId, gender, rows.Select(x => x.From).ToArray(), rows.Select(x => x.To).ToArray(), rows.Select(x => x.Key).ToArray());

    public sealed record Entry(long UserId, string? Gender, long[] ValidFrom, long[] ValidTo, long[] Keys);
}

/// <summary>The hours (UTC, Unix microseconds of their start) a load replaces.</summary>
internal sealed class HourSet(IEnumerable<DateTime> hours)
{
    private const long HourMicros = 3_600_000_000;
    private readonly HashSet<long> _hours = hours.Select(CopyRowEncoder.UnixMicros).ToHashSet();

    private long _last = long.MinValue;

    private HourSet(HashSet<long> hours, bool _) : this([]) => _hours = hours;

    /// <summary>A copy for another thread (the set is shared, the last-hit cache is not).</summary>
    public HourSet Clone() => new(_hours, true);

    public static long HourOf(long micros) => micros - ((micros % HourMicros) + HourMicros) % HourMicros;

    public bool Contains(long hour)
    {
        if (hour == _last) return true;
        if (!_hours.Contains(hour)) return false;
        _last = hour;
        return true;
    }
}

/// <summary>A growable list of ints read back in order.</summary>
internal sealed class IntList
{
    private int[] _items = new int[1024];

    public int Count { get; private set; }

    public void Add(int value)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = value;
    }

    public int this[int index] => _items[index];
}
