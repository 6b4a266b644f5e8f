using System.Diagnostics;
using Rhythmic.Core.Events;
using Rhythmic.Lake;
using Rhythmic.Parquet;

namespace Rhythmic.Warehouse;

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
/// The lake's committed files of the replaced hours, read through the lake's reader row group by row group into buffers
/// reused from one group to the next. A file that is missing, does not parse or holds another number of rows than the
/// manifest records stops the load with a <see cref="Rhythmic.Lake.LakeFileException"/> naming it.
/// </summary>
internal sealed class LakeFileSource(LakeReader lake, IReadOnlyList<LakeFile> files, ILoadProfiler? profile) : IEventSource
{
    public IEnumerable<EventBlock> Read(string topic, bool[] wanted, CancellationToken ct)
    {
        var columns = EventColumns.Names.Select((n, i) => wanted[i] ? n : null).ToArray();
        var buffers = new ColumnBuffer?[EventColumns.Names.Length];
        var pool = new ColumnBuffer?[EventColumns.Names.Length];
        foreach (var file in files.Where(f => f.Topic == topic))
        {
            var start = Stopwatch.GetTimestamp();
            foreach (var count in lake.ReadRowGroups(file, columns, buffers, pool, ct))
            {
                profile.Add("parquet decode", start);
                yield return new EventBlock(topic, buffers, count);
                start = Stopwatch.GetTimestamp();
            }
        }
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
