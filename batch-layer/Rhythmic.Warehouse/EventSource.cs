using System.Diagnostics;
using Rhythmic.Core.Events;
using Rhythmic.Parquet;

namespace Rhythmic.Warehouse;

/// <summary>One event as a test or a non-lake caller hands it to a load: the fields of design.md §2 (absent ones null).</summary>
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
/// Rows of one topic held columnar: <see cref="EventColumns.Names"/> order, null where the source lacks the column.
/// A source reuses its buffers: a block is valid until the next one is read.
/// </summary>
internal readonly record struct EventBlock(string Topic, ColumnBuffer?[] Columns, int Count);

/// <summary>The events of the hours a load replaces, readable more than once (the load reads them twice), topic by topic.</summary>
internal interface IEventSource
{
    /// <summary>The blocks of <paramref name="topic"/>, in the same order on every call; only the columns flagged in <paramref name="wanted"/> need be filled.</summary>
    IEnumerable<EventBlock> Read(string topic, bool[] wanted, CancellationToken ct);
}

/// <summary>The event columns a load reads, and their positions: <see cref="EventSchema.Fields"/>, numbered by <see cref="EventFieldId"/>.</summary>
internal static class EventColumns
{
    public static readonly string[] Names = [.. EventSchema.Fields.Select(f => f.Name)];

    public const int Ts = (int)EventFieldId.Ts, SessionId = (int)EventFieldId.SessionId, Level = (int)EventFieldId.Level,
        ItemInSession = (int)EventFieldId.ItemInSession, City = (int)EventFieldId.City, Zip = (int)EventFieldId.Zip, State = (int)EventFieldId.State,
        UserAgent = (int)EventFieldId.UserAgent, Lon = (int)EventFieldId.Lon, Lat = (int)EventFieldId.Lat, UserId = (int)EventFieldId.UserId,
        FirstName = (int)EventFieldId.FirstName, LastName = (int)EventFieldId.LastName, Gender = (int)EventFieldId.Gender,
        Registration = (int)EventFieldId.Registration, Artist = (int)EventFieldId.Artist, Song = (int)EventFieldId.Song,
        Duration = (int)EventFieldId.Duration, Auth = (int)EventFieldId.Auth, Page = (int)EventFieldId.Page, Method = (int)EventFieldId.Method,
        Status = (int)EventFieldId.Status, Success = (int)EventFieldId.Success;

    public static bool[] All() => Enumerable.Repeat(true, Names.Length).ToArray();

    public static bool[] Of(params int[] columns)
    {
        var wanted = new bool[Names.Length];
        foreach (var c in columns) wanted[c] = true;
        return wanted;
    }
}

/// <summary>
/// The lake's Parquet files of the replaced hours (paths relative to <paramref name="root"/>), read row group by row group
/// with the project's reader. A file that is missing, does not parse or holds another number of rows than the manifest
/// records stops the load with a <see cref="Rhythmic.Lake.LakeFileException"/> naming it.
/// </summary>
internal sealed class LakeFileSource(string root, IReadOnlyList<(string Topic, string Path, long Rows)> files) : IEventSource
{
    public IEnumerable<EventBlock> Read(string topic, bool[] wanted, CancellationToken ct)
    {
        var buffers = new ColumnBuffer?[EventColumns.Names.Length];
        var pool = new ColumnBuffer?[EventColumns.Names.Length];
        foreach (var (t, path, rows) in files.Where(f => f.Topic == topic))
        {
            using var reader = Rhythmic.Lake.LakeFileException.Guard(path, root, () => ParquetReader.Open(Path.Combine(root, path)));
            if (reader.RowCount != rows)
                throw Rhythmic.Lake.LakeFileException.Unreadable(path, root, $"it holds {reader.RowCount} rows, the manifest records {rows}");
            var index = EventColumns.Names.Select(reader.Schema.IndexOf).ToArray();
            for (var rg = 0; rg < reader.RowGroupCount; rg++)
            {
                ct.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                var group = rg;
                var count = Rhythmic.Lake.LakeFileException.Guard(path, root, () =>
                {
                    for (var c = 0; c < buffers.Length; c++)
                        buffers[c] = !wanted[c] || index[c] < 0 ? null : pool[c] = reader.ReadColumn(group, index[c], pool[c]);
                    return (int)reader.GetRowGroup(group).RowCount;
                });
                LoadProfile.Add("parquet decode", start);
                yield return new EventBlock(t, buffers, count);
            }
        }
    }
}

/// <summary>Events held in memory (tests, and callers that hold events rather than lake files), as one block per topic.</summary>
internal sealed class StagedEventSource(IReadOnlyList<StagedEvent> events) : IEventSource
{
    private static readonly ParquetType[] Types =
    [
        ParquetType.TimestampMicros, ParquetType.Int64, ParquetType.String, ParquetType.Int32, ParquetType.String, ParquetType.String,
        ParquetType.String, ParquetType.String, ParquetType.Double, ParquetType.Double, ParquetType.Int64, ParquetType.String,
        ParquetType.String, ParquetType.String, ParquetType.TimestampMicros, ParquetType.String, ParquetType.String, ParquetType.Double,
        ParquetType.String, ParquetType.String, ParquetType.String, ParquetType.Int32, ParquetType.Boolean,
    ];

    /// <summary>Called with the number of events read so far (of every topic, in the second pass), to stop a load mid-hour in tests.</summary>
    public Action<long>? AfterRow { get; init; }

    private long _read;

    public IEnumerable<EventBlock> Read(string topic, bool[] wanted, CancellationToken ct)
    {
        var rows = events.Where(e => e.Topic == topic).ToList();
        if (rows.Count == 0) yield break;
        var c = EventColumns.Names.Select((n, i) => new ColumnBuffer(new ParquetColumn(n, Types[i], Optional: true), rows.Count)).ToArray();
        foreach (var e in rows)
        {
            c[0].AppendInt64(CopyRowEncoder.UnixMicros(e.Ts));
            c[1].AppendInt64(e.SessionId);
            c[2].AppendString(e.Level);
            c[3].AppendInt32(e.ItemInSession);
            c[4].AppendString(e.City);
            c[5].AppendString(e.Zip);
            c[6].AppendString(e.State);
            c[7].AppendString(e.UserAgent);
            c[8].AppendDouble(e.Lon);
            c[9].AppendDouble(e.Lat);
            Append(c[10], e.UserId);
            c[11].AppendString(e.FirstName);
            c[12].AppendString(e.LastName);
            c[13].AppendString(e.Gender);
            Append(c[14], e.Registration is { } r ? CopyRowEncoder.UnixMicros(r) : null);
            c[15].AppendString(e.Artist);
            c[16].AppendString(e.Song);
            if (e.Duration is { } d) c[17].AppendDouble(d); else c[17].AppendNull();
            c[18].AppendString(e.Auth);
            c[19].AppendString(e.Page);
            c[20].AppendString(e.Method);
            if (e.Status is { } s) c[21].AppendInt32(s); else c[21].AppendNull();
            if (e.Success is { } ok) c[22].AppendBoolean(ok); else c[22].AppendNull();
        }
        ct.ThrowIfCancellationRequested();
        yield return new EventBlock(topic, c, rows.Count);
    }

    /// <summary>Counts a row of the second pass, for <see cref="AfterRow"/>.</summary>
    public void Counted()
    {
        _read++;
        AfterRow?.Invoke(_read);
    }

    private static void Append(ColumnBuffer b, long? value)
    {
        if (value is { } v) b.AppendInt64(v); else b.AppendNull();
    }
}

/// <summary>Typed access to a block's cells, with the lake's timestamp units resolved to Unix microseconds.</summary>
internal static class Cells
{
    public static bool Has(ColumnBuffer? b, int row) => b is not null && !b.IsNull(row);

    public static long? Long(ColumnBuffer? b, int row)
        => b is null || b.IsNull(row) ? null : b.Column.Type == ParquetType.Int32 ? b.GetInt32(row) : b.GetInt64(row);

    public static int? Int(ColumnBuffer? b, int row)
        => b is null || b.IsNull(row) ? null : b.Column.Type == ParquetType.Int32 ? b.GetInt32(row) : checked((int)b.GetInt64(row));

    public static double? Double(ColumnBuffer? b, int row) => b is null || b.IsNull(row) ? null : b.GetDouble(row);

    /// <summary>The value of a timestamp column as microseconds since the Unix epoch.</summary>
    public static long? Micros(ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) return null;
        var v = b.GetInt64(row);
        return b.Column.Type switch
        {
            ParquetType.TimestampMicros => v,
            ParquetType.TimestampNanos => v / 1000,
            _ => v * 1000,   // TIMESTAMP(MILLIS) or a plain epoch-ms long
        };
    }

    /// <summary>Topics in the order a load reads them.</summary>
    public static IReadOnlyList<string> TopicOrder => Topics.All;
}
