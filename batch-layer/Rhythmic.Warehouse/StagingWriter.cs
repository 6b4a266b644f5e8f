using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;
using Rhythmic.Parquet;

namespace Rhythmic.Warehouse;

/// <summary>One event as staged for the transforms: the fields of design.md §2 (absent ones null).</summary>
internal sealed class StagedEvent
{
    public required string Topic { get; init; }
    public DateTime Ts { get; init; }
    public long SessionId { get; init; }
    public required string Level { get; init; }
    public int ItemInSession { get; init; }
    public string City { get; init; } = "";
    public string Zip { get; init; } = "";
    public string State { get; init; } = "";
    public string? UserAgent { get; init; }
    public double Lon { get; init; }
    public double Lat { get; init; }
    public long? UserId { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Gender { get; init; }
    public DateTime? Registration { get; init; }
    public string? Artist { get; init; }
    public string? Song { get; init; }
    public double? Duration { get; init; }
    public string? Auth { get; init; }
    public string? Page { get; init; }
    public string? Method { get; init; }
    public int? Status { get; init; }
    public bool? Success { get; init; }
}

/// <summary>
/// Writes events into dw.stg_event by binary COPY, encoding the rows itself (<see cref="CopyRowEncoder"/>) onto
/// Npgsql's raw COPY stream. Each distinct song and place gets a number (song_ref, place_ref) here, and is written
/// once, when the COPY completes, to dw.stg_song / dw.stg_place: the transforms key each distinct song and place once
/// and the facts join on the number. Lake rows are encoded by one thread (the stager's decoder) and the encoded chunks
/// written by another (<see cref="WriteChunk"/>); the song and place numbers belong to the encoding thread.
/// </summary>
internal sealed class StagingWriter(NpgsqlConnection conn, NpgsqlRawCopyStream copy) : IAsyncDisposable
{
    public const string CopyCommand =
        "copy dw.stg_event (topic, ts, session_id, level, item_in_session, user_agent, user_id, first_name, last_name, gender, " +
        "registration, duration, auth, page, method, status, success, hour, date_key, time_key, song_ref, place_ref) from stdin (format binary)";

    private const short Fields = 22;

    /// <summary>The runs of one level per hour and user of the staged events (<see cref="LevelRunBuilder"/>).</summary>
    private const string LevelRunCopyCommand =
        "copy dw.stg_level_run (hour, user_id, first_ts, last_ts, level, first_name, last_name, gender, registration) from stdin (format binary)";

    private readonly RefNumbers _songRefs = new();
    private readonly RefNumbers _placeRefs = new();
    private readonly List<(string Artist, string Title, double Duration)> _songs = [];
    private readonly List<(string City, string State, string Zip, double Lat, double Lon)> _places = [];
    private readonly CopyRowEncoder _rows = new(1 << 16);
    private readonly LevelRunBuilder _runs = new();
    private readonly Dictionary<long, UserStrings> _users = [];
    private readonly List<(byte[] Utf8, string Value)> _levels = [];
    private bool _completed;
    private CopyRowEncoder? _levelRuns;
    private long _hourStart = long.MinValue;
    private long _hourDateKey;

    public long Rows { get; private set; }

    /// <summary>The strings of the values staged so far, shared by every file of the load (the same cities, songs and agents recur).</summary>
    public StringCache Strings { get; } = new();

    public static async Task<StagingWriter> OpenAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var copy = await conn.BeginRawBinaryCopyAsync(CopyCommand, ct);
        copy.Write(CopyRowEncoder.HeaderBytes);
        return new StagingWriter(conn, copy);
    }

    /// <summary>Writes one event (the path of tests and of callers that hold events rather than lake files).</summary>
    public async Task WriteAsync(StagedEvent e, CancellationToken ct)
    {
        var r = _rows;
        r.StartRow(Fields);
        r.Text(e.Topic);
        var ts = CopyRowEncoder.UnixMicros(e.Ts);
        r.TimestampMicros(ts);
        r.Int64(e.SessionId);
        r.Text(e.Level);
        r.Int32(e.ItemInSession);
        r.Text(e.UserAgent);
        if (e.UserId is { } u) r.Int64(u); else r.Null();
        r.Text(e.FirstName);
        r.Text(e.LastName);
        r.Text(e.Gender);
        if (e.Registration is { } reg) r.TimestampMicros(CopyRowEncoder.UnixMicros(reg)); else r.Null();
        if (e.Duration is { } d) r.Double(d); else r.Null();
        r.Text(e.Auth);
        r.Text(e.Page);
        r.Text(e.Method);
        if (e.Status is { } st) r.Int32(st); else r.Null();
        if (e.Success is { } ok) r.Boolean(ok); else r.Null();
        WriteTimeKeys(r, ts);
        WriteRefs(r, e.Artist, e.Song, e.Duration, e.City, e.State, e.Zip, e.Lat, e.Lon);
        if (e.UserId is { } user)
            _runs.Add(_hourStart, user, ts, e.Level, e.FirstName, e.LastName, e.Gender, e.Registration is { } rg ? CopyRowEncoder.UnixMicros(rg) : null);
        Rows++;
        if (r.Length >= 1 << 16)
        {
            await copy.WriteAsync(r.Written.ToArray(), ct);
            r.Clear();
        }
    }

    /// <summary>Writes rows encoded by <see cref="EncodeLakeRow"/> to the COPY.</summary>
    public void WriteChunk(byte[] buffer, int length) => copy.Write(buffer, 0, length);

    /// <summary>
    /// The song's number (null unless artist, title and duration are all present, as dim_song requires) and the place's
    /// (null when a part is missing: stg_event.place_ref is not null, so the COPY fails as it did on the place columns).
    /// </summary>
    private void WriteRefs(CopyRowEncoder r, string? artist, string? title, double? duration, string? city, string? state, string? zip, double? lat, double? lon)
    {
        if (artist is null || title is null || duration is null) r.Null();
        else
        {
            r.Int32(_songRefs.Begin().Add(artist).Add(title).Add(duration.Value).Number(out var added));
            if (added) _songs.Add((artist, title, duration.Value));
        }
        if (city is null || state is null || zip is null || lat is null || lon is null) r.Null();
        else
        {
            r.Int32(_placeRefs.Begin().Add(city).Add(state).Add(zip).Add(lat.Value).Add(lon.Value).Number(out var added));
            if (added) _places.Add((city, state, zip, lat.Value, lon.Value));
        }
    }

    /// <summary>The same numbers from a lake row's columns: strings are made only for a song or place not seen before.</summary>
    private void WriteLakeRefs(CopyRowEncoder r, ColumnBuffer?[] c, int row, double? duration, StringCache strings)
    {
        if (c[15] is not { } artist || artist.IsNull(row) || c[16] is not { } title || title.IsNull(row) || duration is null) r.Null();
        else
        {
            r.Int32(_songRefs.Begin().Add(artist.GetBytes(row)).Add(title.GetBytes(row)).Add(duration.Value).Number(out var added));
            if (added) _songs.Add((strings.Get(artist.GetBytes(row)), strings.Get(title.GetBytes(row)), duration.Value));
        }
        if (c[4] is not { } city || city.IsNull(row) || c[6] is not { } state || state.IsNull(row) || c[5] is not { } zip || zip.IsNull(row)
            || DoubleOf(c[9], row) is not { } lat || DoubleOf(c[8], row) is not { } lon) r.Null();
        else
        {
            r.Int32(_placeRefs.Begin().Add(city.GetBytes(row)).Add(state.GetBytes(row)).Add(zip.GetBytes(row)).Add(lat).Add(lon).Number(out var added));
            if (added) _places.Add((strings.Get(city.GetBytes(row)), strings.Get(state.GetBytes(row)), strings.Get(zip.GetBytes(row)), lat, lon));
        }
    }

    /// <summary>
    /// Encodes row <paramref name="row"/> of a lake row group whose columns are <paramref name="c"/>, in
    /// <see cref="LakeStager.Columns"/> order (null where the file lacks the column), into <paramref name="r"/>.
    /// Text fields go from the Parquet page's UTF-8 bytes to the COPY as they are; only the song's and place's parts
    /// become strings (cached), to number them.
    /// </summary>
    public void EncodeLakeRow(CopyRowEncoder r, byte[] topicUtf8, ColumnBuffer?[] c, int row, StringCache strings)
    {
        r.StartRow(Fields);
        r.Text(topicUtf8);
        var ts = c[0] is { } t && !t.IsNull(row) ? MicrosOf(t, row) : (long?)null;
        if (ts is { } tsv) r.TimestampMicros(tsv); else r.Null();
        Long(r, c[1], row);
        Text(r, c[2], row);
        Int(r, c[3], row);
        Text(r, c[7], row);
        Long(r, c[10], row);
        for (var i = 11; i <= 13; i++) Text(r, c[i], row);
        if (c[14] is { } reg && !reg.IsNull(row)) r.TimestampMicros(MicrosOf(reg, row)); else r.Null();
        var duration = DoubleOf(c[17], row);
        if (duration is { } d) r.Double(d); else r.Null();
        for (var i = 18; i <= 20; i++) Text(r, c[i], row);
        Int(r, c[21], row);
        if (c[22] is { } b && !b.IsNull(row)) r.Boolean(b.GetBoolean(row)); else r.Null();
        if (ts is { } tk) WriteTimeKeys(r, tk);
        else { r.Null(); r.Null(); r.Null(); }
        WriteLakeRefs(r, c, row, duration, strings);
        if (ts is { } at && c[10] is { } u && !u.IsNull(row) && c[2] is { } lv && !lv.IsNull(row))
        {
            var userId = u.Column.Type == ParquetType.Int32 ? u.GetInt32(row) : u.GetInt64(row);
            ref var names = ref CollectionsMarshal.GetValueRefOrAddDefault(_users, userId, out _);
            names ??= new UserStrings();
            _runs.Add(_hourStart, userId, at, LevelOf(lv.GetBytes(row), strings),
                names.First.Of(c[11], row, strings), names.Last.Of(c[12], row, strings), names.Gender.Of(c[13], row, strings),
                c[14] is { } registration && !registration.IsNull(row) ? MicrosOf(registration, row) : null);
        }
        Rows++;
    }

    private string LevelOf(ReadOnlySpan<byte> utf8, StringCache strings)
    {
        foreach (var (bytes, value) in _levels)
            if (utf8.SequenceEqual(bytes)) return value;
        var level = strings.Get(utf8);
        _levels.Add((utf8.ToArray(), level));
        return level;
    }

    /// <summary>A user's name and gender as last staged: the same bytes again give the same string without a lookup.</summary>
    private sealed class UserStrings
    {
        public LastString First, Last, Gender;
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

    private static double? DoubleOf(ColumnBuffer? b, int row) => b is null || b.IsNull(row) ? null : b.GetDouble(row);

    private static void Text(CopyRowEncoder r, ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) r.Null();
        else r.Text(b.GetBytes(row));
    }

    private static void Long(CopyRowEncoder r, ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) r.Null();
        else r.Int64(b.Column.Type == ParquetType.Int32 ? b.GetInt32(row) : b.GetInt64(row));
    }

    private static void Int(CopyRowEncoder r, ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) r.Null();
        else r.Int32(b.Column.Type == ParquetType.Int32 ? b.GetInt32(row) : checked((int)b.GetInt64(row)));
    }

    /// <summary>The event's UTC hour, date key (yyyymmdd) and time key (second of the day), as dw.date_key_of and dw.time_key_of compute them.</summary>
    private void WriteTimeKeys(CopyRowEncoder r, long unixMicros)
    {
        const long hourMicros = 3_600_000_000, dayMicros = 86_400_000_000;
        var hour = unixMicros - (unixMicros % hourMicros + hourMicros) % hourMicros;
        if (hour != _hourStart)
        {
            var day = DateTime.UnixEpoch.AddTicks(hour * 10);
            _hourDateKey = day.Year * 10000 + day.Month * 100 + day.Day;
            _hourStart = hour;
        }
        r.TimestampMicros(hour);
        r.Int64(_hourDateKey);
        r.Int64((unixMicros % dayMicros + dayMicros) % dayMicros / 1_000_000);
    }

    /// <summary>The value of a timestamp column as microseconds since the Unix epoch.</summary>
    private static long MicrosOf(ColumnBuffer b, int row)
    {
        var v = b.GetInt64(row);
        return b.Column.Type switch
        {
            ParquetType.TimestampMicros => v,
            ParquetType.TimestampNanos => v / 1000,
            _ => v * 1000,   // TIMESTAMP(MILLIS) or a plain epoch-ms long
        };
    }

    /// <summary>
    /// Builds the level runs of every event encoded so far as the COPY data of dw.stg_level_run. The stager's decoder
    /// calls it once it has encoded the last row, so the sort overlaps the COPY of the last chunks.
    /// </summary>
    public CopyRowEncoder EncodeLevelRuns()
    {
        var start = Stopwatch.GetTimestamp();
        var r = new CopyRowEncoder(1 << 16);
        r.Header();
        _runs.Encode(r);
        r.Trailer();
        _levelRuns = r;
        LoadProfile.Add("001d level runs build", start);
        return r;
    }

    /// <summary>Completes the COPY (without it the rows are discarded), then writes the distinct songs and places.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        _rows.Trailer();
        await copy.WriteAsync(_rows.Written.ToArray(), ct);
        _rows.Clear();
        _completed = true;
        await copy.DisposeAsync();   // ends the COPY and frees the connection for the next statements
        var levelRuns = _levelRuns ?? EncodeLevelRuns();
        var start = Stopwatch.GetTimestamp();
        await using (var runs = await conn.BeginRawBinaryCopyAsync(LevelRunCopyCommand, ct))
            await runs.WriteAsync(levelRuns.Written.ToArray(), ct);
        LoadProfile.Add("001e level runs copy", start);
        await WarehouseSql.ExecAsync(conn, null, WarehouseSql.Read("stage/songs.sql"), ct,
            Enumerable.Range(1, _songs.Count).ToArray(), _songs.Select(k => k.Artist).ToArray(), _songs.Select(k => k.Title).ToArray(),
            _songs.Select(k => k.Duration).ToArray());
        await WarehouseSql.ExecAsync(conn, null, WarehouseSql.Read("stage/places.sql"), ct,
            Enumerable.Range(1, _places.Count).ToArray(), _places.Select(k => k.City).ToArray(), _places.Select(k => k.State).ToArray(),
            _places.Select(k => k.Zip).ToArray(), _places.Select(k => k.Lat).ToArray(), _places.Select(k => k.Lon).ToArray());
    }

    /// <summary>Cancels the COPY unless it completed, so a stopped load stages nothing (its transaction is rolled back too).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            try { await copy.CancelAsync(); }
            catch (PostgresException) { }   // the server's answer to the cancel
            catch (NpgsqlException) { }     // the connection broke: nothing to cancel
        }
        await copy.DisposeAsync();
    }
}
