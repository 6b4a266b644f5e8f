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
            FieldType.Long when f.EpochMillis => ParquetType.TimestampMillis,
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

/// <summary>
/// Appends parsed events to the column buffers of one topic's row group: one accessor per field of the topic's
/// <see cref="EventSchema.For"/>, from the <see cref="EventRecord"/> property of that field (EventContractTests in the
/// lake's tests check every field's round trip).
/// </summary>
internal sealed class EventRowAppender
{
    private readonly Action<EventRecord, ColumnBuffer>[] _fields;

    public ColumnBuffer[] Buffers { get; }
    public int Rows => Buffers[0].Count;

    public EventRowAppender(string topic, int capacity)
    {
        var schema = EventTable.SchemaOf(topic);
        Buffers = schema.CreateBuffers(capacity);
        _fields = EventSchema.For(topic).Select(f => Accessor(f.Id)).ToArray();
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

    private static Action<EventRecord, ColumnBuffer> Accessor(EventFieldId field) => field switch
    {
        EventFieldId.Ts => (e, b) => b.AppendInt64(e.Ts),
        EventFieldId.SessionId => (e, b) => b.AppendInt64(e.SessionId),
        EventFieldId.Level => (e, b) => b.AppendString(e.Level),
        EventFieldId.ItemInSession => (e, b) => b.AppendInt32(e.ItemInSession),
        EventFieldId.City => (e, b) => b.AppendString(e.City),
        EventFieldId.Zip => (e, b) => b.AppendString(e.Zip),
        EventFieldId.State => (e, b) => b.AppendString(e.State),
        EventFieldId.UserAgent => (e, b) => b.AppendString(e.UserAgent),
        EventFieldId.Lon => (e, b) => b.AppendDouble(e.Lon),
        EventFieldId.Lat => (e, b) => b.AppendDouble(e.Lat),
        EventFieldId.UserId => (e, b) => { if (e.UserId is { } v) b.AppendInt64(v); else b.AppendNull(); },
        EventFieldId.FirstName => (e, b) => b.AppendString(e.FirstName),
        EventFieldId.LastName => (e, b) => b.AppendString(e.LastName),
        EventFieldId.Gender => (e, b) => b.AppendString(e.Gender),
        EventFieldId.Registration => (e, b) => { if (e.Registration is { } v) b.AppendInt64(v); else b.AppendNull(); },
        EventFieldId.Artist => (e, b) => b.AppendString(e.Artist),
        EventFieldId.Song => (e, b) => b.AppendString(e.Song),
        EventFieldId.Duration => (e, b) => { if (e.Duration is { } v) b.AppendDouble(v); else b.AppendNull(); },
        EventFieldId.Auth => (e, b) => b.AppendString(e.Auth),
        EventFieldId.Page => (e, b) => b.AppendString(e.Page),
        EventFieldId.Method => (e, b) => b.AppendString(e.Method),
        EventFieldId.Status => (e, b) => { if (e.Status is { } v) b.AppendInt32(v); else b.AppendNull(); },
        EventFieldId.Success => (e, b) => { if (e.Success is { } v) b.AppendBoolean(v); else b.AppendNull(); },
        _ => throw new InvalidOperationException($"The lake does not know how to store field {field}: give EventRowAppender an accessor for it."),
    };
}
