using Npgsql;
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

/// <summary>Writes events into dw.stg_event by binary COPY.</summary>
internal sealed class StagingWriter(NpgsqlBinaryImporter importer) : IAsyncDisposable
{
    public const string CopyCommand =
        "copy dw.stg_event (topic, ts, session_id, level, item_in_session, city, zip, state, user_agent, lon, lat, user_id, " +
        "first_name, last_name, gender, registration, artist, song, duration, auth, page, method, status, success, hour, date_key, time_key) " +
        "from stdin (format binary)";

    public long Rows { get; private set; }

    /// <summary>The strings of the values staged so far, shared by every file of the load (the same cities, songs and agents recur).</summary>
    public StringCache Strings { get; } = new();

    public static async Task<StagingWriter> OpenAsync(NpgsqlConnection conn, CancellationToken ct)
        => new(await conn.BeginBinaryImportAsync(CopyCommand, ct));

    public async Task WriteAsync(StagedEvent e, CancellationToken ct)
    {
        await importer.StartRowAsync(ct);
        await importer.WriteAsync(e.Topic, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(e.Ts, NpgsqlDbType.TimestampTz, ct);
        await importer.WriteAsync(e.SessionId, NpgsqlDbType.Bigint, ct);
        await importer.WriteAsync(e.Level, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(e.ItemInSession, NpgsqlDbType.Integer, ct);
        await importer.WriteAsync(e.City, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(e.Zip, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(e.State, NpgsqlDbType.Text, ct);
        await WriteNullable(e.UserAgent, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(e.Lon, NpgsqlDbType.Double, ct);
        await importer.WriteAsync(e.Lat, NpgsqlDbType.Double, ct);
        await WriteNullable(e.UserId, NpgsqlDbType.Bigint, ct);
        await WriteNullable(e.FirstName, NpgsqlDbType.Text, ct);
        await WriteNullable(e.LastName, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Gender, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Registration, NpgsqlDbType.TimestampTz, ct);
        await WriteNullable(e.Artist, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Song, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Duration, NpgsqlDbType.Double, ct);
        await WriteNullable(e.Auth, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Page, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Method, NpgsqlDbType.Text, ct);
        await WriteNullable(e.Status, NpgsqlDbType.Integer, ct);
        await WriteNullable(e.Success, NpgsqlDbType.Boolean, ct);
        WriteTimeKeys(e.Ts);
        Rows++;
    }

    private Task WriteNullable<T>(T? value, NpgsqlDbType type, CancellationToken ct) where T : class
        => value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);

    private Task WriteNullable<T>(T? value, NpgsqlDbType type, CancellationToken ct) where T : struct
        => value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value.Value, type, ct);

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
        for (var i = 4; i <= 7; i++) Text(c[i], row, strings);
        Double(c[8], row);
        Double(c[9], row);
        Long(c[10], row);
        for (var i = 11; i <= 13; i++) Text(c[i], row, strings);
        Timestamp(c[14], row);
        Text(c[15], row, strings);
        Text(c[16], row, strings);
        Double(c[17], row);
        for (var i = 18; i <= 20; i++) Text(c[i], row, strings);
        Int(c[21], row);
        if (c[22] is { } b && !b.IsNull(row)) importer.Write(b.GetBoolean(row), NpgsqlDbType.Boolean); else importer.WriteNull();
        if (c[0] is { } t && !t.IsNull(row)) WriteTimeKeys(TimestampOf(t, row));
        else { importer.WriteNull(); importer.WriteNull(); importer.WriteNull(); }
        Rows++;
    }

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

    /// <summary>Completes the COPY (without it the rows are discarded).</summary>
    public async Task<ulong> CompleteAsync(CancellationToken ct) => await importer.CompleteAsync(ct);

    public ValueTask DisposeAsync() => importer.DisposeAsync();
}
