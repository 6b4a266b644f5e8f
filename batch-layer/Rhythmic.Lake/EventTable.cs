using Rhythmic.Core.Events;
using Rhythmic.Parquet;

namespace Rhythmic.Lake;

/// <summary>
/// The Parquet schema of one topic's lake files: the event's JSON fields as design.md §2 names them (from
/// <see cref="EventSchema.For"/>), optional where a field may be absent, then <c>_partition</c>, <c>_offset</c> and
/// <c>_ingested_at</c>.
/// </summary>
public static class EventTable
{
    public const string PartitionColumn = "_partition";
    public const string OffsetColumn = "_offset";
    public const string IngestedAtColumn = "_ingested_at";

    private static readonly Dictionary<string, ParquetSchema> Schemas = Topics.All.ToDictionary(t => t, Build);

    /// <summary>The schema of <paramref name="topic"/>'s files.</summary>
    public static ParquetSchema SchemaOf(string topic)
        => Schemas.TryGetValue(topic, out var s) ? s : throw new ArgumentException($"Unknown topic '{topic}'.", nameof(topic));

    private static ParquetSchema Build(string topic)
    {
        var columns = EventSchema.For(topic).Select(f => new ParquetColumn(f.Name, f.Type switch
        {
            FieldType.Long when f.Name is "ts" or "registration" => ParquetType.TimestampMillis,
            FieldType.Long => ParquetType.Int64,
            FieldType.Int => ParquetType.Int32,
            FieldType.Double => ParquetType.Double,
            FieldType.Bool => ParquetType.Boolean,
            _ => ParquetType.String,
        }, Optional: !f.Required)).ToList();
        columns.Add(new ParquetColumn(PartitionColumn, ParquetType.Int32));
        columns.Add(new ParquetColumn(OffsetColumn, ParquetType.Int64));
        columns.Add(new ParquetColumn(IngestedAtColumn, ParquetType.TimestampMillis));
        return new ParquetSchema(columns);
    }
}

/// <summary>Appends parsed events to the column buffers of one topic's row group.</summary>
internal sealed class EventRowAppender
{
    private readonly Action<EventRecord, ColumnBuffer>[] _fields;

    public ColumnBuffer[] Buffers { get; }
    public int Rows => Buffers[0].Count;

    public EventRowAppender(string topic, int capacity)
    {
        var schema = EventTable.SchemaOf(topic);
        Buffers = schema.CreateBuffers(capacity);
        _fields = EventSchema.For(topic).Select(f => Accessor(f.Name)).ToArray();
    }

    public void Append(EventRecord e, int partition, long offset, long ingestedAtMs)
    {
        var fields = _fields;
        for (var i = 0; i < fields.Length; i++) fields[i](e, Buffers[i]);
        Buffers[fields.Length].AppendInt32(partition);
        Buffers[fields.Length + 1].AppendInt64(offset);
        Buffers[fields.Length + 2].AppendInt64(ingestedAtMs);
    }

    public void Clear()
    {
        foreach (var b in Buffers) b.Clear();
    }

    private static Action<EventRecord, ColumnBuffer> Accessor(string name) => name switch
    {
        "ts" => (e, b) => b.AppendInt64(e.Ts),
        "sessionId" => (e, b) => b.AppendInt64(e.SessionId),
        "level" => (e, b) => b.AppendString(e.Level),
        "itemInSession" => (e, b) => b.AppendInt32(e.ItemInSession),
        "city" => (e, b) => b.AppendString(e.City),
        "zip" => (e, b) => b.AppendString(e.Zip),
        "state" => (e, b) => b.AppendString(e.State),
        "userAgent" => (e, b) => b.AppendString(e.UserAgent),
        "lon" => (e, b) => b.AppendDouble(e.Lon),
        "lat" => (e, b) => b.AppendDouble(e.Lat),
        "userId" => (e, b) => { if (e.UserId is { } v) b.AppendInt64(v); else b.AppendNull(); },
        "firstName" => (e, b) => b.AppendString(e.FirstName),
        "lastName" => (e, b) => b.AppendString(e.LastName),
        "gender" => (e, b) => b.AppendString(e.Gender),
        "registration" => (e, b) => { if (e.Registration is { } v) b.AppendInt64(v); else b.AppendNull(); },
        "artist" => (e, b) => b.AppendString(e.Artist),
        "song" => (e, b) => b.AppendString(e.Song),
        "duration" => (e, b) => { if (e.Duration is { } v) b.AppendDouble(v); else b.AppendNull(); },
        "auth" => (e, b) => b.AppendString(e.Auth),
        "page" => (e, b) => b.AppendString(e.Page),
        "method" => (e, b) => b.AppendString(e.Method),
        "status" => (e, b) => { if (e.Status is { } v) b.AppendInt32(v); else b.AppendNull(); },
        "success" => (e, b) => { if (e.Success is { } v) b.AppendBoolean(v); else b.AppendNull(); },
        _ => throw new InvalidOperationException($"The lake does not know how to store field '{name}'."),
    };
}
