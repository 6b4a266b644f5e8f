using Npgsql;
using System.Runtime.InteropServices;
using NpgsqlTypes;
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
/// Writes events into dw.stg_event by binary COPY. Each distinct song and place gets a number (song_ref, place_ref)
/// here, and is written once, when the COPY completes, to dw.stg_song / dw.stg_place: the transforms key each distinct
/// song and place once and the facts join on the number.
/// </summary>
internal sealed class StagingWriter(NpgsqlConnection conn, NpgsqlBinaryImporter importer) : IAsyncDisposable
{
    public const string CopyCommand =
        "copy dw.stg_event (topic, ts, session_id, level, item_in_session, user_agent, user_id, first_name, last_name, gender, " +
        "registration, duration, auth, page, method, status, success, hour, date_key, time_key, song_ref, place_ref) from stdin (format binary)";

    private readonly Dictionary<(string Artist, string Title, double Duration), int> _songs = [];
    private readonly Dictionary<(string City, string State, string Zip, double Lat, double Lon), int> _places = [];

    public long Rows { get; private set; }

    /// <summary>The strings of the values staged so far, shared by every file of the load (the same cities, songs and agents recur).</summary>
    public StringCache Strings { get; } = new();

    public static async Task<StagingWriter> OpenAsync(NpgsqlConnection conn, CancellationToken ct)
        => new(conn, await conn.BeginBinaryImportAsync(CopyCommand, ct));

    public async Task WriteAsync(StagedEvent e, CancellationToken ct)
    {
        await importer.StartRowAsync(ct);
        await importer.WriteAsync(e.Topic, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(e.Ts, NpgsqlDbType.TimestampTz, ct);
        await importer.WriteAsync(e.SessionId, NpgsqlDbType.Bigint, ct);
        await importer.WriteAsync(e.Level, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(e.ItemInSession, NpgsqlDbType.Integer, ct);
        await WriteNullable(e.UserAgent, NpgsqlDbType.Text, ct);
        await WriteNullable(e.UserId, NpgsqlDbType.Bigint, ct);
        await WriteNullable(e.FirstName, NpgsqlDbType.Text, ct);
        await WriteNullable(e.LastName, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Gender, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Registration, NpgsqlDbType.TimestampTz, ct);
        await WriteNullable(e.Duration, NpgsqlDbType.Double, ct);
        await WriteNullable(e.Auth, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Page, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Method, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Status, NpgsqlDbType.Integer, ct);
        await WriteNullable(e.Success, NpgsqlDbType.Boolean, ct);
        WriteTimeKeys(e.Ts);
        WriteRefs(e.Artist, e.Song, e.Duration, e.City, e.State, e.Zip, e.Lat, e.Lon);
        Rows++;
    }

    private Task WriteNullable<T>(T? value, NpgsqlDbType type, CancellationToken ct) where T : class
        => value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);

    private Task WriteNullable<T>(T? value, NpgsqlDbType type, CancellationToken ct) where T : struct
        => value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value.Value, type, ct);

    /// <summary>
    /// The song's number (null unless artist, title and duration are all present, as dim_song requires) and the place's
    /// (null when a part is missing: stg_event.place_ref is not null, so the COPY fails as it did on the place columns).
    /// </summary>
    private void WriteRefs(string? artist, string? title, double? duration, string? city, string? state, string? zip, double? lat, double? lon)
    {
        if (artist is null || title is null || duration is null) importer.WriteNull();
        else
        {
            ref var song = ref CollectionsMarshal.GetValueRefOrAddDefault(_songs, (artist, title, duration.Value), out var known);
            if (!known) song = _songs.Count;
            importer.Write(song, NpgsqlDbType.Integer);
        }
        if (city is null || state is null || zip is null || lat is null || lon is null) importer.WriteNull();
        else
        {
            ref var place = ref CollectionsMarshal.GetValueRefOrAddDefault(_places, (city, state, zip, lat.Value, lon.Value), out var known);
            if (!known) place = _places.Count;
            importer.Write(place, NpgsqlDbType.Integer);
        }
    }

    /// <summary>
    /// Writes row <paramref name="row"/> of a lake row group whose columns are <paramref name="c"/>, in
    /// <see cref="LakeStager.Columns"/> order (null where the file lacks the column).
    /// </summary>
    public void WriteLakeRow(string topic, ColumnBuffer?[] c, int row, StringCache strings)
    {
        // Synchronous: the importer buffers rows and only blocks when its buffer is full; an await per row costs more.
        importer.StartRow();
        importer.Write(topic, NpgsqlDbType.Text);
        Timestamp(c[0], row);
        Long(c[1], row);
        Text(c[2], row, strings);
        Int(c[3], row);
        Text(c[7], row, strings);
        Long(c[10], row);
        for (var i = 11; i <= 13; i++) Text(c[i], row, strings);
        Timestamp(c[14], row);
        Double(c[17], row);
        for (var i = 18; i <= 20; i++) Text(c[i], row, strings);
        Int(c[21], row);
        if (c[22] is { } b && !b.IsNull(row)) importer.Write(b.GetBoolean(row), NpgsqlDbType.Boolean); else importer.WriteNull();
        if (c[0] is { } t && !t.IsNull(row)) WriteTimeKeys(TimestampOf(t, row));
        else { importer.WriteNull(); importer.WriteNull(); importer.WriteNull(); }
        WriteRefs(StringOf(c[15], row, strings), StringOf(c[16], row, strings), DoubleOf(c[17], row),
            StringOf(c[4], row, strings), StringOf(c[6], row, strings), StringOf(c[5], row, strings), DoubleOf(c[9], row), DoubleOf(c[8], row));
        Rows++;
    }

    private static string? StringOf(ColumnBuffer? b, int row, StringCache strings)
        => b is null || b.IsNull(row) ? null : strings.Get(b.GetBytes(row));

    private static double? DoubleOf(ColumnBuffer? b, int row) => b is null || b.IsNull(row) ? null : b.GetDouble(row);

    private void Text(ColumnBuffer? b, int row, StringCache strings)
    {
        if (b is null || b.IsNull(row)) importer.WriteNull();
        else importer.Write(strings.Get(b.GetBytes(row)), NpgsqlDbType.Text);
    }

    private void Long(ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) importer.WriteNull();
        else importer.Write(b.Column.Type == ParquetType.Int32 ? b.GetInt32(row) : b.GetInt64(row), NpgsqlDbType.Bigint);
    }

    private void Int(ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) importer.WriteNull();
        else importer.Write(b.Column.Type == ParquetType.Int32 ? b.GetInt32(row) : checked((int)b.GetInt64(row)), NpgsqlDbType.Integer);
    }

    private void Double(ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) importer.WriteNull();
        else importer.Write(b.GetDouble(row), NpgsqlDbType.Double);
    }

    /// <summary>The event's UTC hour, date key (yyyymmdd) and time key (second of the day), as dw.date_key_of and dw.time_key_of compute them.</summary>
    private void WriteTimeKeys(DateTime ts)
    {
        ts = DateTime.SpecifyKind(ts, DateTimeKind.Utc);
        importer.Write(new DateTime(ts.Ticks - ts.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
        importer.Write((long)(ts.Year * 10000 + ts.Month * 100 + ts.Day), NpgsqlDbType.Bigint);
        importer.Write(ts.TimeOfDay.Ticks / TimeSpan.TicksPerSecond, NpgsqlDbType.Bigint);
    }

    private void Timestamp(ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) { importer.WriteNull(); return; }
        importer.Write(TimestampOf(b, row), NpgsqlDbType.TimestampTz);
    }

    private static DateTime TimestampOf(ColumnBuffer b, int row)
    {
        var v = b.GetInt64(row);
        var ticks = b.Column.Type switch
        {
            ParquetType.TimestampMicros => v * 10,
            ParquetType.TimestampNanos => v / 100,
            _ => v * TimeSpan.TicksPerMillisecond,   // TIMESTAMP(MILLIS) or a plain epoch-ms long
        };
        return DateTime.UnixEpoch.AddTicks(ticks);
    }

    /// <summary>Completes the COPY (without it the rows are discarded), then writes the distinct songs and places.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await importer.CompleteAsync(ct);
        await importer.DisposeAsync();   // frees the connection for the next statements (disposing again is a no-op)
        await WarehouseSql.ExecAsync(conn, null, WarehouseSql.Read("stage/songs.sql"), ct,
            _songs.Values.ToArray(), _songs.Keys.Select(k => k.Artist).ToArray(), _songs.Keys.Select(k => k.Title).ToArray(),
            _songs.Keys.Select(k => k.Duration).ToArray());
        await WarehouseSql.ExecAsync(conn, null, WarehouseSql.Read("stage/places.sql"), ct,
            _places.Values.ToArray(), _places.Keys.Select(k => k.City).ToArray(), _places.Keys.Select(k => k.State).ToArray(),
            _places.Keys.Select(k => k.Zip).ToArray(), _places.Keys.Select(k => k.Lat).ToArray(), _places.Keys.Select(k => k.Lon).ToArray());
    }

    public ValueTask DisposeAsync() => importer.DisposeAsync();
}
