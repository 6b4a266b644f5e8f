using Rhythmic.Core.Events;
using Rhythmic.Lake.Storage;
using Rhythmic.Parquet;

namespace Rhythmic.Lake;

/// <summary>
/// The events of one future lake file (one topic, one source partition, one event-time hour), encoded to Parquet in
/// memory row group by row group. <see cref="WriteTemp"/> puts it on the lake under a temporary name, durably.
/// </summary>
internal sealed class PendingFile
{
    // A replay buffers thousands of these at once (one per topic, partition and hour), most of them a few hundred events:
    // the buffers start small and grow, and the writer (with its page and chunk buffers) exists only from the first full
    // row group or the finish on.
    private const int InitialRows = 128;
    private readonly EventRowAppender _rows;
    private readonly MemoryStream _encoded = new();
    private readonly ParquetCodec _codec;
    private ParquetWriter? _writer;
    private readonly int _rowGroupRows;

    public string Topic { get; }
    public int Partition { get; }
    public long HourMs { get; }
    public long FirstOffset { get; private set; } = long.MaxValue;
    public long LastOffset { get; private set; } = long.MinValue;
    public long Rows { get; private set; }
    /// <summary>JSON bytes of the events held: what the roll size is measured in.</summary>
    public long JsonBytes { get; private set; }
    /// <summary>When the first event arrived (Environment.TickCount64).</summary>
    public long OpenedAtTicks { get; } = Environment.TickCount64;

    public PendingFile(string topic, int partition, long hourMs, int rowGroupRows, ParquetCodec codec)
    {
        Topic = topic;
        Partition = partition;
        HourMs = hourMs;
        _rowGroupRows = rowGroupRows;
        _codec = codec;
        _rows = new EventRowAppender(topic, Math.Min(rowGroupRows, InitialRows));
    }

    public void Add(EventRecord e, int partition, long offset, long ingestedAtMs, int jsonBytes)
    {
        _rows.Append(e, partition, offset, ingestedAtMs);
        if (offset < FirstOffset) FirstOffset = offset;
        if (offset > LastOffset) LastOffset = offset;
        Rows++;
        JsonBytes += jsonBytes;
        if (_rows.Rows >= _rowGroupRows) FlushRowGroup();
    }

    private void FlushRowGroup()
    {
        _writer ??= new ParquetWriter(_encoded, EventTable.SchemaOf(Topic), new ParquetWriterOptions { Codec = _codec }, leaveOpen: true);
        _writer.WriteRowGroup(_rows.Buffers);
        _rows.Clear();
    }

    /// <summary>Finishes the Parquet file (its last row group and footer) and returns its bytes; call once.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_rows.Rows > 0) FlushRowGroup();
        _writer ??= new ParquetWriter(_encoded, EventTable.SchemaOf(Topic), new ParquetWriterOptions { Codec = _codec }, leaveOpen: true);
        _writer.Dispose();
        return _encoded.GetBuffer().AsMemory(0, (int)_encoded.Length);
    }

    /// <summary>Finishes the Parquet file and writes it durably to <paramref name="tempPath"/>; returns its size.</summary>
    public long WriteTemp(ILakeStorage storage, string tempPath)
    {
        var bytes = Finish();
        storage.WriteDurably(tempPath, s => s.Write(bytes.Span));
        return bytes.Length;
    }
}
