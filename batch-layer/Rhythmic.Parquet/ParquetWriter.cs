using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Rhythmic.Parquet.Encodings;
using Rhythmic.Parquet.Format;
using Rhythmic.Parquet.Thrift;
using Rhythmic.Parquet.Writing;
using PqEncoding = Rhythmic.Parquet.Format.Encoding;

namespace Rhythmic.Parquet;

/// <summary>
/// Writes a flat Parquet file: one call to <see cref="WriteRowGroup"/> per row group (columns given as
/// <see cref="ColumnBuffer"/>s), then <see cref="Dispose"/> writes the footer. Data pages v1, PLAIN or dictionary
/// (RLE_DICTIONARY) values, RLE definition levels, Snappy or no compression, min/max/null-count statistics.
/// </summary>
public sealed partial class ParquetWriter : IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ParquetWriterOptions _options;
    private readonly FileMetaData _meta = new() { Version = 1 };
    private readonly ByteBuffer _chunk = new(1 << 16);
    private readonly ByteBuffer _page = new(1 << 16);
    private readonly ByteBuffer _header = new(256);
    private readonly DictionaryBuilder _dict = new();
    private int[] _ints = new int[1024];
    private int[] _indices = new int[1024];
    private long _position;
    private bool _closed;

    /// <summary>The schema of the file.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>Rows written so far.</summary>
    public long RowCount => _meta.NumRows;

    /// <summary>Bytes written so far (the footer adds more on dispose).</summary>
    public long Position => _position;

    /// <summary>Starts a file on <paramref name="stream"/> (written forward only; it need not seek).</summary>
    public ParquetWriter(Stream stream, ParquetSchema schema, ParquetWriterOptions? options = null, bool leaveOpen = false)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Rhythmic.Parquet needs a little-endian machine.");
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options ?? new ParquetWriterOptions();
        if (_options.PageRows < 1) throw new ArgumentOutOfRangeException(nameof(options), "PageRows must be at least 1.");
        Schema = schema;
        _meta.CreatedBy = _options.CreatedBy;
        _meta.Schema.Add(new SchemaElement { Name = "schema", NumChildren = schema.Columns.Count });
        foreach (var c in schema.Columns) _meta.Schema.Add(ToElement(c));
        _stream.Write(Magic);
        _position = Magic.Length;
    }

    /// <summary>Writes one row group; every buffer must belong to the schema's column at its position and hold the same row count.</summary>
    public void WriteRowGroup(IReadOnlyList<ColumnBuffer> columns)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (columns.Count != Schema.Columns.Count)
            throw new ArgumentException($"{columns.Count} columns given; the schema has {Schema.Columns.Count}.", nameof(columns));
        var rows = columns[0].Count;
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Column != Schema.Columns[i])
                throw new ArgumentException($"Buffer {i} is for {columns[i].Column}, not {Schema.Columns[i]}.", nameof(columns));
            if (columns[i].Count != rows)
                throw new ArgumentException($"Column '{columns[i].Column.Name}' has {columns[i].Count} rows, column '{columns[0].Column.Name}' {rows}.", nameof(columns));
        }
        if (rows == 0) return;
        foreach (var column in columns) column.Materialize();
        _chunk.Clear();
        var rg = new RowGroup { NumRows = rows };
        foreach (var column in columns)
        {
            var chunk = EncodeChunk(column);
            rg.TotalByteSize += chunk.MetaData!.TotalUncompressedSize;
            rg.Columns.Add(chunk);
        }
        _stream.Write(_chunk.WrittenSpan);
        _position += _chunk.Length;
        _meta.RowGroups.Add(rg);
        _meta.NumRows += rows;
    }

    /// <summary>Writes the footer and, unless leaveOpen, closes the stream.</summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        var footer = new ByteBuffer(4096);
        MetadataWriter.Write(new CompactWriter(footer), _meta);
        footer.WriteInt32(footer.Length);
        footer.Write(Magic);
        _stream.Write(footer.WrittenSpan);
        _position += footer.Length;
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }

    private static SchemaElement ToElement(ParquetColumn c)
    {
        var e = new SchemaElement { Name = c.Name, Repetition = c.Optional ? Repetition.Optional : Repetition.Required };
        switch (c.Type)
        {
            case ParquetType.Boolean: e.Type = PhysicalType.Boolean; break;
            case ParquetType.Int32: e.Type = PhysicalType.Int32; break;
            case ParquetType.Int64: e.Type = PhysicalType.Int64; break;
            case ParquetType.Float: e.Type = PhysicalType.Float; break;
            case ParquetType.Double: e.Type = PhysicalType.Double; break;
            case ParquetType.Binary: e.Type = PhysicalType.ByteArray; break;
            case ParquetType.String: e.Type = PhysicalType.ByteArray; e.ConvertedType = ConvertedTypes.Utf8; e.LogicalString = true; break;
            case ParquetType.TimestampMillis:
                e.Type = PhysicalType.Int64; e.ConvertedType = ConvertedTypes.TimestampMillis; e.LogicalTimestamp = TimeUnitKind.Millis; e.TimestampUtc = true; break;
            case ParquetType.TimestampMicros:
                e.Type = PhysicalType.Int64; e.ConvertedType = ConvertedTypes.TimestampMicros; e.LogicalTimestamp = TimeUnitKind.Micros; e.TimestampUtc = true; break;
            case ParquetType.TimestampNanos:
                e.Type = PhysicalType.Int64; e.LogicalTimestamp = TimeUnitKind.Nanos; e.TimestampUtc = true; break;
        }
        return e;
    }

    private ColumnChunk EncodeChunk(ColumnBuffer c)
    {
        var column = c.Column;
        var physical = ToElement(column).Type!.Value;
        var start = _position + _chunk.Length;
        var meta = new ColumnMetaData { Type = physical, Path = [column.Name], Codec = (int)_options.Codec, NumValues = c.Count };
        var nonNull = c.Count - c.NullCount;
        var useDictionary = TryDictionary(c, nonNull);
        long uncompressed = 0;
        if (useDictionary)
        {
            meta.DictionaryPageOffset = start;
            _page.Clear();
            WriteDictionaryValues(c);
            uncompressed += WritePage(PageType.DictionaryPage, _dict.Count, PqEncoding.Plain);
        }
        meta.DataPageOffset = _position + _chunk.Length;
        var bitWidth = useDictionary ? Math.Max(1, RleHybrid.BitWidth(_dict.Count - 1)) : 0;
        var cursor = 0;
        for (var from = 0; from < c.Count; from += _options.PageRows)
        {
            var to = Math.Min(c.Count, from + _options.PageRows);
            _page.Clear();
            var defined = to - from;
            if (column.Optional) defined = WriteDefinitionLevels(c, from, to);
            if (useDictionary)
            {
                _page.WriteByte((byte)bitWidth);
                RleHybrid.Encode(_indices.AsSpan(cursor, defined), bitWidth, _page);
            }
            else WritePlain(c, from, to, defined);
            cursor += defined;
            uncompressed += WritePage(PageType.DataPage, to - from, useDictionary ? PqEncoding.RleDictionary : PqEncoding.Plain);
        }
        meta.Encodings = useDictionary ? [PqEncoding.Plain, PqEncoding.Rle, PqEncoding.RleDictionary] : [PqEncoding.Plain, PqEncoding.Rle];
        meta.TotalUncompressedSize = uncompressed;
        meta.TotalCompressedSize = _position + _chunk.Length - start;
        meta.Statistics = Statistics(c, useDictionary);
        return new ColumnChunk { FileOffset = start, MetaData = meta };
    }

    /// <summary>Appends the page in <see cref="_page"/> (compressed as configured) with its header to the chunk; returns its uncompressed size.</summary>
    private int WritePage(PageType type, int values, PqEncoding encoding)
    {
        ReadOnlySpan<byte> body = _page.WrittenSpan;
        var compressed = _options.Codec == ParquetCodec.Snappy ? IronSnappy.Snappy.Encode(body) : null;
        _header.Clear();
        MetadataWriter.WritePageHeader(new CompactWriter(_header), new PageHeader
        {
            Type = type, UncompressedSize = body.Length, CompressedSize = compressed?.Length ?? body.Length,
            NumValues = values, Encoding = encoding,
        });
        _chunk.Write(_header.WrittenSpan);
        _chunk.Write(compressed ?? body);
        return _header.Length + body.Length;
    }

    private int WriteDefinitionLevels(ColumnBuffer c, int from, int to)
    {
        var n = to - from;
        if (_ints.Length < n) _ints = new int[Math.Max(n, _ints.Length * 2)];
        var levels = _ints.AsSpan(0, n);
        var flags = c.NullFlags!.AsSpan(from, n);
        var defined = 0;
        for (var i = 0; i < n; i++)
        {
            var d = flags[i] ? 0 : 1;
            levels[i] = d;
            defined += d;
        }
        var at = _page.Length;
        _page.WriteInt32(0);
        RleHybrid.Encode(levels, 1, _page);
        _page.PatchInt32(at, _page.Length - at - 4);
        return defined;
    }

    private void WritePlain(ColumnBuffer c, int from, int to, int defined)
    {
        var n = to - from;
        var dense = defined == n;
        var nulls = c.NullFlags;
        switch (c.Column.Storage)
        {
            case Storage.Int64:
                if (dense) _page.Write(MemoryMarshal.AsBytes(c.Longs.AsSpan(from, n)));
                else for (var r = from; r < to; r++) if (!nulls![r]) _page.WriteInt64(c.Longs[r]);
                break;
            case Storage.Int32:
                if (dense) _page.Write(MemoryMarshal.AsBytes(c.Ints.AsSpan(from, n)));
                else for (var r = from; r < to; r++) if (!nulls![r]) _page.WriteInt32(c.Ints[r]);
                break;
            case Storage.Double when c.Column.Type == ParquetType.Float:
                for (var r = from; r < to; r++)
                    if (nulls is null || !nulls[r]) _page.WriteInt32(BitConverter.SingleToInt32Bits((float)c.Doubles[r]));
                break;
            case Storage.Double:
                if (dense) _page.Write(MemoryMarshal.AsBytes(c.Doubles.AsSpan(from, n)));
                else for (var r = from; r < to; r++) if (!nulls![r]) _page.WriteInt64(BitConverter.DoubleToInt64Bits(c.Doubles[r]));
                break;
            case Storage.Boolean:
            {
                var span = _page.GetSpan((defined + 7) / 8)[..((defined + 7) / 8)];
                span.Clear();
                var k = 0;
                for (var r = from; r < to; r++)
                {
                    if (nulls is not null && nulls[r]) continue;
                    if (c.Bools[r]) span[k >> 3] |= (byte)(1 << (k & 7));
                    k++;
                }
                _page.Advance(span.Length);
                break;
            }
            default:
            {
                var total = c.Offsets[to] - c.Offsets[from] + 4 * defined;
                var span = _page.GetSpan(total);
                var p = 0;
                for (var r = from; r < to; r++)
                {
                    if (nulls is not null && nulls[r]) continue;
                    var s = c.Offsets[r];
                    var len = c.Offsets[r + 1] - s;
                    BinaryPrimitives.WriteInt32LittleEndian(span[p..], len);
                    c.Bytes.AsSpan(s, len).CopyTo(span[(p + 4)..]);
                    p += 4 + len;
                }
                _page.Advance(total);
                break;
            }
        }
    }
}
