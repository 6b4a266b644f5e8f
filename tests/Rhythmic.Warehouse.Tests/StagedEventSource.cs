using Rhythmic.Parquet;

namespace Rhythmic.Warehouse.Tests;

/// <summary>One event as a test hands it to a load: the fields of design.md §2 (absent ones null).</summary>
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
/// Events held in memory, as one block per topic. With <see cref="AfterRow"/> set, the second reading of a topic (the
/// fact pass) hands its events over one at a time and reports each once the load has taken it, so a test can stop a
/// load mid-hour.
/// </summary>
internal sealed class StagedEventSource(IReadOnlyList<StagedEvent> events) : IEventSource
{
    private static readonly ParquetType[] Types =
    [
        ParquetType.TimestampMicros, ParquetType.Int64, ParquetType.String, ParquetType.Int32, ParquetType.String, ParquetType.String,
        ParquetType.String, ParquetType.String, ParquetType.Double, ParquetType.Double, ParquetType.Int64, ParquetType.String,
        ParquetType.String, ParquetType.String, ParquetType.TimestampMicros, ParquetType.String, ParquetType.String, ParquetType.Double,
        ParquetType.String, ParquetType.String, ParquetType.String, ParquetType.Int32, ParquetType.Boolean,
    ];

    /// <summary>Called with the number of events the second pass has taken so far (of every topic), to stop a load mid-hour.</summary>
    public Action<long>? AfterRow { get; init; }

    private readonly Dictionary<string, int> _readings = [];
    private long _read;

    public IEnumerable<EventBlock> Read(string topic, bool[] wanted, CancellationToken ct)
    {
        var rows = events.Where(e => e.Topic == topic).ToList();
        if (rows.Count == 0) yield break;
        bool secondPass;
        lock (_readings) secondPass = (_readings[topic] = _readings.GetValueOrDefault(topic) + 1) == 2;
        if (AfterRow is null || !secondPass)
        {
            yield return Block(topic, rows, ct);
            yield break;
        }
        foreach (var e in rows)
        {
            yield return Block(topic, [e], ct);
            AfterRow(++_read);
        }
    }

    private static EventBlock Block(string topic, List<StagedEvent> rows, CancellationToken ct)
    {
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
        return new EventBlock(topic, c, rows.Count);
    }

    private static void Append(ColumnBuffer b, long? value)
    {
        if (value is { } v) b.AppendInt64(v); else b.AppendNull();
    }
}
