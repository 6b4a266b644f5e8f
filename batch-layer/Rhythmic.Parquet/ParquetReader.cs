using System.Buffers;
using System.Buffers.Binary;
using Rhythmic.Parquet.Format;

namespace Rhythmic.Parquet;

/// <summary>
/// Reads flat Parquet files: the footer once, then any column of any row group on demand (projection), with
/// row-group statistics for skipping. Every offset, length and count read from the file is checked against the
/// file's real size, so a truncated or malformed file fails with a <see cref="ParquetFormatException"/>.
/// </summary>
public sealed partial class ParquetReader : IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly FileMetaData _meta;
    private readonly SchemaElement[] _leaves;
    private readonly long _dataEnd;   // where the footer starts: no column chunk may reach past it
    private readonly string _name;

    /// <summary>The file's columns.</summary>
    public ParquetSchema Schema { get; }
    /// <summary>Total rows.</summary>
    public long RowCount => _meta.NumRows;
    /// <summary>Row groups in the file.</summary>
    public int RowGroupCount => _meta.RowGroups.Count;
    /// <summary>The writer named in the footer.</summary>
    public string? CreatedBy => _meta.CreatedBy;

    /// <summary>Opens the file at <paramref name="path"/>.</summary>
    public static ParquetReader Open(string path)
        => new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess), leaveOpen: false, name: path);

    /// <summary>Reads a file held in memory.</summary>
    public ParquetReader(byte[] data) : this(new MemoryStream(data, writable: false), leaveOpen: false, name: "buffer") { }

    /// <summary>Reads from a seekable stream.</summary>
    public ParquetReader(Stream stream, bool leaveOpen = false, string? name = null)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _name = name ?? "stream";
        try
        {
            if (!stream.CanSeek) throw new ArgumentException("A Parquet reader needs a seekable stream.", nameof(stream));
            var length = stream.Length;
            if (length < 12) Fail($"{length} bytes is too small to be a Parquet file");
            Span<byte> tail = stackalloc byte[8];
            ReadAt(length - 8, tail);
            if (!tail[4..].SequenceEqual(Magic)) Fail("the file does not end with PAR1 (truncated or not Parquet)");
            Span<byte> head = stackalloc byte[4];
            ReadAt(0, head);
            if (!head.SequenceEqual(Magic)) Fail("the file does not start with PAR1");
            var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
            if (footerLength <= 0 || footerLength > length - 12) Fail($"footer length {footerLength} does not fit a file of {length} bytes");
            _dataEnd = length - 8 - footerLength;
            var footer = new byte[footerLength];
            ReadAt(_dataEnd, footer);
            _meta = MetadataReader.ReadFileMetaData(footer);
            (_leaves, Schema) = BuildSchema(_meta);
            Validate();
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith(_name, StringComparison.Ordinal))
        {
            if (!leaveOpen) stream.Dispose();
            throw new ParquetFormatException($"{_name}: {e.Message}", e);
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    private (SchemaElement[] Leaves, ParquetSchema Schema) BuildSchema(FileMetaData meta)
    {
        if (meta.Schema.Count < 2) Fail("the schema has no columns");
        var root = meta.Schema[0];
        if (root.NumChildren != meta.Schema.Count - 1) Fail("nested schemas are not supported (only flat columns)");
        var leaves = meta.Schema.Skip(1).ToArray();
        var columns = new List<ParquetColumn>();
        foreach (var e in leaves)
        {
            if (e.NumChildren > 0 || e.Type is null) Fail($"column '{e.Name}' is a group; nested schemas are not supported");
            if (e.Repetition == Repetition.Repeated) Fail($"column '{e.Name}' is repeated; lists are not supported");
            columns.Add(new ParquetColumn(e.Name, TypeOf(e), e.Repetition != Repetition.Required));
        }
        try { return (leaves, new ParquetSchema(columns)); }
        catch (ArgumentException ex) { throw new ParquetFormatException(ex.Message); }
    }

    private ParquetType TypeOf(SchemaElement e) => e.Type switch
    {
        PhysicalType.Boolean => ParquetType.Boolean,
        PhysicalType.Int32 => ParquetType.Int32,
        PhysicalType.Int64 => e.LogicalTimestamp switch
        {
            TimeUnitKind.Millis => ParquetType.TimestampMillis,
            TimeUnitKind.Micros => ParquetType.TimestampMicros,
            TimeUnitKind.Nanos => ParquetType.TimestampNanos,
            _ => e.ConvertedType switch
            {
                ConvertedTypes.TimestampMillis => ParquetType.TimestampMillis,
                ConvertedTypes.TimestampMicros => ParquetType.TimestampMicros,
                _ => ParquetType.Int64,
            },
        },
        PhysicalType.Float => ParquetType.Float,
        PhysicalType.Double => ParquetType.Double,
        PhysicalType.ByteArray => e.LogicalString || e.ConvertedType is ConvertedTypes.Utf8 or ConvertedTypes.Enum or ConvertedTypes.Json
            ? ParquetType.String : ParquetType.Binary,
        _ => Fail<ParquetType>($"column '{e.Name}' has physical type {e.Type}, which is not supported"),
    };

    private void Validate()
    {
        if (_meta.NumRows < 0) Fail("negative row count");
        long total = 0;
        foreach (var rg in _meta.RowGroups)
        {
            if (rg.NumRows is < 0 or > int.MaxValue) Fail($"row group of {rg.NumRows} rows is not supported");
            total += rg.NumRows;
            if (rg.Columns.Count != _leaves.Length) Fail($"a row group has {rg.Columns.Count} columns; the schema has {_leaves.Length}");
            for (var i = 0; i < rg.Columns.Count; i++)
            {
                var m = rg.Columns[i].MetaData ?? Fail<ColumnMetaData>($"column '{_leaves[i].Name}' has no metadata");
                if (m.Type != _leaves[i].Type) Fail($"column '{_leaves[i].Name}' is {m.Type} in a row group but {_leaves[i].Type} in the schema");
                var (start, size) = ChunkRange(m);
                if (start < 4 || size < 0 || start + size > _dataEnd)
                    Fail($"column '{_leaves[i].Name}' claims bytes {start}..{start + size}, outside the data area (4..{_dataEnd})");
            }
        }
        if (total != _meta.NumRows) Fail($"the row groups hold {total} rows but the footer says {_meta.NumRows}");
    }

    private static (long Start, long Size) ChunkRange(ColumnMetaData m)
    {
        var start = m.DictionaryPageOffset is { } d && d > 0 && d < m.DataPageOffset ? d : m.DataPageOffset;
        return (start, m.TotalCompressedSize);
    }

    /// <summary>The row count and statistics of row group <paramref name="index"/>.</summary>
    public RowGroupInfo GetRowGroup(int index)
    {
        var rg = _meta.RowGroups[index];
        return new RowGroupInfo(index, rg.NumRows, rg.Columns.Select((c, i) => DecodeStatistics(c.MetaData!, Schema.Columns[i])).ToArray());
    }

    /// <summary>Reads column <paramref name="column"/> of row group <paramref name="rowGroup"/> into <paramref name="into"/> (reused when given).</summary>
    public ColumnBuffer ReadColumn(int rowGroup, int column, ColumnBuffer? into = null)
    {
        if ((uint)rowGroup >= (uint)_meta.RowGroups.Count) throw new ArgumentOutOfRangeException(nameof(rowGroup));
        if ((uint)column >= (uint)_leaves.Length) throw new ArgumentOutOfRangeException(nameof(column));
        var spec = Schema.Columns[column];
        if (into is null || into.Column != spec) into = new ColumnBuffer(spec, 1);
        var rg = _meta.RowGroups[rowGroup];
        var m = rg.Columns[column].MetaData!;
        var (start, size) = ChunkRange(m);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, size));
        try
        {
            ReadAt(start, buffer.AsSpan(0, (int)size));
            new ChunkDecoder(buffer.AsSpan(0, (int)size), m.Codec, _leaves[column], spec, into, (int)rg.NumRows).Decode();
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException($"{_name}: column '{spec.Name}' of row group {rowGroup}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return into;
    }

    /// <summary>Reads column <paramref name="name"/> of a row group.</summary>
    public ColumnBuffer ReadColumn(int rowGroup, string name, ColumnBuffer? into = null) => ReadColumn(rowGroup, Schema.Require(name), into);

    /// <summary>Reads the named columns (all when null) of a row group, in the order asked.</summary>
    public ColumnBuffer[] ReadRowGroup(int rowGroup, IReadOnlyList<string>? columns = null)
        => (columns ?? Schema.Columns.Select(c => c.Name).ToArray()).Select(n => ReadColumn(rowGroup, n)).ToArray();

    /// <summary>
    /// The row groups whose statistics allow a value of <paramref name="column"/> in [<paramref name="low"/>, <paramref name="high"/>]
    /// (either bound may be null for open). Groups without statistics are always included.
    /// </summary>
    public IEnumerable<int> RowGroupsOverlapping(string column, object? low, object? high)
    {
        var c = Schema.Require(column);
        for (var i = 0; i < RowGroupCount; i++)
        {
            var s = DecodeStatistics(_meta.RowGroups[i].Columns[c].MetaData!, Schema.Columns[c]);
            if (s.Min is null || s.Max is null) { yield return i; continue; }
            if (high is not null && Compare(s.Min, high) > 0) continue;
            if (low is not null && Compare(s.Max, low) < 0) continue;
            yield return i;
        }
    }

    private static int Compare(object a, object b) => (a, b) switch
    {
        (string x, string y) => System.Text.Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(y)),
        (double x, _) => x.CompareTo(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture)),
        (_, double y) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture).CompareTo(y),
        (bool x, bool y) => x.CompareTo(y),
        (byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y),
        _ => Convert.ToInt64(a, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToInt64(b, System.Globalization.CultureInfo.InvariantCulture)),
    };

    private static ColumnStatistics DecodeStatistics(ColumnMetaData m, ParquetColumn column)
    {
        var s = m.Statistics;
        if (s is null) return new ColumnStatistics(null, null, null);
        // The deprecated min/max used signed byte order: trust them for numbers only.
        var numeric = column.Storage != Storage.Bytes;
        var min = s.MinValue ?? (numeric ? s.Min : null);
        var max = s.MaxValue ?? (numeric ? s.Max : null);
        return new ColumnStatistics(s.NullCount, Decode(min, column, m.Type), Decode(max, column, m.Type));
    }

    private static object? Decode(byte[]? v, ParquetColumn column, PhysicalType type)
    {
        if (v is null) return null;
        return type switch
        {
            PhysicalType.Int64 when v.Length == 8 => BinaryPrimitives.ReadInt64LittleEndian(v),
            PhysicalType.Int32 when v.Length == 4 => BinaryPrimitives.ReadInt32LittleEndian(v),
            PhysicalType.Double when v.Length == 8 => BinaryPrimitives.ReadDoubleLittleEndian(v),
            PhysicalType.Float when v.Length == 4 => (double)BinaryPrimitives.ReadSingleLittleEndian(v),
            PhysicalType.Boolean when v.Length == 1 => v[0] != 0,
            PhysicalType.ByteArray => column.Type == ParquetType.String ? System.Text.Encoding.UTF8.GetString(v) : v,
            _ => null,
        };
    }

    private void ReadAt(long offset, Span<byte> into)
    {
        _stream.Position = offset;
        try { _stream.ReadExactly(into); }
        catch (EndOfStreamException) { Fail($"the file ends before byte {offset + into.Length}"); }
    }

    private void Fail(string message) => throw new ParquetFormatException($"{_name}: {message}.");
    private T Fail<T>(string message) => throw new ParquetFormatException($"{_name}: {message}.");

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
