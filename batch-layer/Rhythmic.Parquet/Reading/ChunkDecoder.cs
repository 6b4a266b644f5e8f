using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Rhythmic.Parquet.Encodings;
using Rhythmic.Parquet.Format;
using PqEncoding = Rhythmic.Parquet.Format.Encoding;

namespace Rhythmic.Parquet;

/// <summary>Decodes the pages of one column chunk into a <see cref="ColumnBuffer"/>.</summary>
internal ref struct ChunkDecoder
{
    private readonly ReadOnlySpan<byte> _chunk;
    private readonly int _codec;
    private readonly SchemaElement _element;
    private readonly ParquetColumn _column;
    private readonly ColumnBuffer _into;
    private readonly int _rows;
    private int _done;
    private int _nulls;
    // The dictionary, as a ColumnBuffer of the column's type (required, so no null flags).
    private ColumnBuffer? _dictionary;
    // String dictionaries live in the output buffer itself (ColumnBuffer.Indexed): the current dictionary's first entry,
    // its size (-1 before any dictionary page) and the empty entry that null rows point at.
    private int _dictBase;
    private int _dictCount;
    private int _nullEntry;
    private int[] _indices;
    private byte[] _page;

    public ChunkDecoder(ReadOnlySpan<byte> chunk, int codec, SchemaElement element, ParquetColumn column, ColumnBuffer into, int rows)
    {
        _chunk = chunk;
        _codec = codec;
        _element = element;
        _column = column;
        _into = into;
        _rows = rows;
        _indices = [];
        _page = [];
        _dictCount = -1;
    }

    public void Decode()
    {
        _into.Clear();
        _into.ReserveForRead(Math.Max(1, _rows));
        var pos = 0;
        var header = new PageHeader();
        try
        {
            while (_done < _rows)
            {
                if (pos >= _chunk.Length) ThrowHelper.Corrupt($"the chunk ends after {_done} of {_rows} values");
                pos += MetadataReader.ReadPageHeader(_chunk[pos..], header);
                if (header.CompressedSize > _chunk.Length - pos) ThrowHelper.Corrupt($"a page of {header.CompressedSize} bytes runs past the chunk");
                var body = _chunk.Slice(pos, header.CompressedSize);
                pos += header.CompressedSize;
                switch (header.Type)
                {
                    case PageType.DictionaryPage:
                        DecodeDictionary(Decompress(body, header.UncompressedSize), header.NumValues);
                        break;
                    case PageType.DataPage:
                    {
                        CheckValues(header.NumValues);
                        var data = Decompress(body, header.UncompressedSize);
                        var p = 0;
                        var defined = header.NumValues;
                        if (_column.Optional) defined = DecodeLevels(RleHybrid.LengthPrefixed(data, ref p, "definition levels"), header.NumValues);
                        DecodeValues(data[p..], header.Encoding, header.NumValues, defined);
                        break;
                    }
                    case PageType.DataPageV2:
                    {
                        CheckValues(header.NumValues);
                        if (header.RepetitionLevelsLength != 0) ThrowHelper.Corrupt("repetition levels in a flat column");
                        var levelsLength = header.DefinitionLevelsLength;
                        if (levelsLength < 0 || levelsLength > body.Length) ThrowHelper.Corrupt("definition levels run past the page");
                        var defined = header.NumValues;
                        if (_column.Optional) defined = DecodeLevels(body[..levelsLength], header.NumValues);
                        var values = body[levelsLength..];
                        if (header.IsCompressed) values = Decompress(values, header.UncompressedSize - levelsLength);
                        DecodeValues(values, header.Encoding, header.NumValues, defined);
                        break;
                    }
                    default: break;   // index pages and unknown kinds carry no values
                }
            }
        }
        finally
        {
            if (_indices.Length > 0) ArrayPool<int>.Shared.Return(_indices);
            if (_page.Length > 0) ArrayPool<byte>.Shared.Return(_page);
        }
        _into.SetFilled(_rows, _nulls);
    }

    private readonly void CheckValues(int n)
    {
        if (n > _rows - _done) ThrowHelper.Corrupt($"pages hold more than the row group's {_rows} values");
    }

    private ReadOnlySpan<byte> Decompress(ReadOnlySpan<byte> body, int uncompressedSize)
    {
        if (uncompressedSize < 0) ThrowHelper.Corrupt("negative page size");
        switch (_codec)
        {
            case 0:
                if (body.Length < uncompressedSize) ThrowHelper.Corrupt("an uncompressed page is shorter than its header says");
                return body[..uncompressedSize];
            case 1:
            {
                // Snappy expands at most ~21x: a larger claim is corrupt and must not drive an allocation.
                if (uncompressedSize > body.Length * 22L + 64) ThrowHelper.Corrupt($"a page claims {uncompressedSize} bytes from {body.Length} Snappy bytes");
                var declared = SnappyDecoder.DecodedLength(body, out _);
                if (declared != uncompressedSize) ThrowHelper.Corrupt($"a page decompressed to {declared} bytes, not {uncompressedSize}");
                // One page buffer per chunk, reused by every page: pages are consumed before the next is decompressed.
                if (_page.Length < uncompressedSize)
                {
                    if (_page.Length > 0) ArrayPool<byte>.Shared.Return(_page);
                    _page = [];
                    _page = ArrayPool<byte>.Shared.Rent(Math.Max(4096, uncompressedSize));
                }
                var page = _page.AsSpan(0, uncompressedSize);
                SnappyDecoder.Decode(body, page);
                return page;
            }
            default:
                return ThrowHelper.Corrupt<byte[]>($"compression codec {CodecName(_codec)} is not supported (only SNAPPY and UNCOMPRESSED)");
        }
    }

    private static string CodecName(int codec) => codec switch
    {
        2 => "GZIP", 3 => "LZO", 4 => "BROTLI", 5 => "LZ4", 6 => "ZSTD", 7 => "LZ4_RAW", _ => codec.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Definition levels of an optional column: sets the null flags of this page's rows; returns the defined count.</summary>
    private int DecodeLevels(ReadOnlySpan<byte> data, int n)
    {
        var defined = RleHybrid.DecodeNullFlags(data, _into.NullFlags.AsSpan(_done, n), "definition levels");
        _nulls += n - defined;
        return defined;
    }

    private static void Rent(ref int[] array, int n)
    {
        if (array.Length >= n) return;
        if (array.Length > 0) ArrayPool<int>.Shared.Return(array);
        array = ArrayPool<int>.Shared.Rent(Math.Max(16, n));
    }

    private void DecodeDictionary(ReadOnlySpan<byte> data, int count)
    {
        if (_column.Storage == Storage.Boolean) ThrowHelper.Corrupt("a boolean column has a dictionary");
        var width = PlainWidth();
        var minBytes = width > 0 ? width : 4;
        if (count < 0 || (long)count * minBytes > data.Length) ThrowHelper.Corrupt($"a dictionary of {count} values does not fit its {data.Length}-byte page");
        if (_column.Storage == Storage.Bytes) { DecodeStringDictionary(data, count); return; }
        var dict = new ColumnBuffer(_column with { Optional = false }, Math.Max(1, count));
        DecodePlain(data, dict, 0, count, null);
        dict.SetFilled(count, 0);
        _dictionary = dict;
    }

    /// <summary>Appends the dictionary's strings to the output buffer as entries, plus one empty entry for null rows.</summary>
    private void DecodeStringDictionary(ReadOnlySpan<byte> data, int count)
    {
        if (!_into.Indexed) _into.BeginIndexed(_done, Math.Max(1, _rows));
        _dictBase = _into.EntryCount;
        var p = 0;
        for (var i = 0; i < count; i++)
        {
            if (data.Length - p < 4) ThrowHelper.Corrupt("a string length runs past the page");
            var len = BinaryPrimitives.ReadInt32LittleEndian(data[p..]);
            p += 4;
            if (len < 0 || len > data.Length - p) ThrowHelper.Corrupt($"a string of {len} bytes runs past the page");
            _into.AddEntry(data.Slice(p, len));
            p += len;
        }
        _nullEntry = _into.AddEntry([]);
        _dictCount = count;
    }

    /// <summary>Dictionary indices of a string page straight into the output's row indices; null rows get the empty entry.</summary>
    private readonly void DecodeStringIndices(ReadOnlySpan<byte> data, int n, int defined, bool[]? nulls)
    {
        var indices = _into.Indices.AsSpan(_done, n);
        if (defined > 0)
        {
            if (data.Length < 1) ThrowHelper.Corrupt("dictionary indices without a bit width");
            if (_dictCount == 0) ThrowHelper.Corrupt("dictionary indices into an empty dictionary");
            RleHybrid.Decode(data[1..], data[0], indices[..defined], _dictCount - 1, "dictionary indices");
            if (_dictBase != 0) foreach (ref var v in indices[..defined]) v += _dictBase;
        }
        if (nulls is null) return;
        // Spread the defined values to their rows from the back, so the move happens in place.
        var flags = nulls.AsSpan(_done, n);
        var k = defined - 1;
        for (var i = n - 1; i >= 0; i--) indices[i] = flags[i] ? _nullEntry : indices[k--];
    }

    /// <summary>A PLAIN page of a string column already holding a dictionary: each value becomes an entry of its own.</summary>
    private readonly void DecodePlainEntries(ReadOnlySpan<byte> data, int n, bool[]? nulls)
    {
        var p = 0;
        var indices = _into.Indices;
        for (var i = 0; i < n; i++)
        {
            var row = _done + i;
            if (nulls is not null && nulls[row]) { indices[row] = _nullEntry; continue; }
            if (data.Length - p < 4) ThrowHelper.Corrupt("a string length runs past the page");
            var len = BinaryPrimitives.ReadInt32LittleEndian(data[p..]);
            p += 4;
            if (len < 0 || len > data.Length - p) ThrowHelper.Corrupt($"a string of {len} bytes runs past the page");
            indices[row] = _into.AddEntry(data.Slice(p, len));
            p += len;
        }
    }

    private readonly int PlainWidth() => _element.Type switch
    {
        PhysicalType.Int32 or PhysicalType.Float => 4,
        PhysicalType.Int64 or PhysicalType.Double => 8,
        _ => 0,
    };

    private void DecodeValues(ReadOnlySpan<byte> data, PqEncoding encoding, int n, int defined)
    {
        var nulls = defined == n ? null : _into.NullFlags;
        switch (encoding)
        {
            case PqEncoding.Plain when _into.Indexed:
                DecodePlainEntries(data, n, nulls);
                break;
            case PqEncoding.Plain:
                DecodePlain(data, _into, _done, n, nulls);
                break;
            case PqEncoding.PlainDictionary or PqEncoding.RleDictionary when _column.Storage == Storage.Bytes:
                if (_dictCount < 0) ThrowHelper.Corrupt("dictionary-encoded values without a dictionary page");
                DecodeStringIndices(data, n, defined, nulls);
                break;
            case PqEncoding.PlainDictionary or PqEncoding.RleDictionary:
            {
                if (_dictionary is null) ThrowHelper.Corrupt("dictionary-encoded values without a dictionary page");
                Rent(ref _indices, defined);
                if (defined > 0)
                {
                    if (data.Length < 1) ThrowHelper.Corrupt("dictionary indices without a bit width");
                    // An empty dictionary would make the bound below -1, which the decoder's unsigned check cannot enforce.
                    if (_dictionary!.Count == 0) ThrowHelper.Corrupt("dictionary indices into an empty dictionary");
                    RleHybrid.Decode(data[1..], data[0], _indices.AsSpan(0, defined), _dictionary!.Count - 1, "dictionary indices");
                }
                Gather(_dictionary!, _indices.AsSpan(0, defined), n, nulls);
                break;
            }
            case PqEncoding.Rle when _column.Storage == Storage.Boolean:
            {
                var p = 0;
                var bits = RleHybrid.LengthPrefixed(data, ref p, "RLE booleans");
                Rent(ref _indices, defined);
                RleHybrid.Decode(bits, 1, _indices.AsSpan(0, defined), 1, "RLE booleans");
                var k = 0;
                for (var i = 0; i < n; i++)
                    _into.Bools[_done + i] = nulls is not null && nulls[_done + i] ? false : _indices[k++] != 0;
                break;
            }
            default:
                ThrowHelper.Corrupt($"encoding {encoding} of column '{_column.Name}' is not supported");
                break;
        }
        _done += n;
    }

    /// <summary>
    /// PLAIN values for rows [start, start+n) of <paramref name="target"/>, skipping the rows flagged in
    /// <paramref name="nulls"/>; returns the bytes consumed.
    /// </summary>
    private readonly int DecodePlain(ReadOnlySpan<byte> data, ColumnBuffer target, int start, int n, bool[]? nulls)
    {
        var defined = n;
        if (nulls is not null) { defined = 0; for (var i = 0; i < n; i++) if (!nulls[start + i]) defined++; }
        var width = PlainWidth();
        if (width > 0 && (long)defined * width > data.Length) ThrowHelper.Corrupt($"{defined} values need {(long)defined * width} bytes; the page has {data.Length}");
        switch (_element.Type)
        {
            case PhysicalType.Int64:
                Scatter(MemoryMarshal.Cast<byte, long>(data[..(defined * 8)]), target.Longs.AsSpan(start, n), nulls, start);
                return defined * 8;
            case PhysicalType.Int32:
                Scatter(MemoryMarshal.Cast<byte, int>(data[..(defined * 4)]), target.Ints.AsSpan(start, n), nulls, start);
                return defined * 4;
            case PhysicalType.Double:
                Scatter(MemoryMarshal.Cast<byte, double>(data[..(defined * 8)]), target.Doubles.AsSpan(start, n), nulls, start);
                return defined * 8;
            case PhysicalType.Float:
            {
                var src = MemoryMarshal.Cast<byte, float>(data[..(defined * 4)]);
                var k = 0;
                for (var i = 0; i < n; i++)
                    target.Doubles[start + i] = nulls is not null && nulls[start + i] ? 0 : src[k++];
                return defined * 4;
            }
            case PhysicalType.Boolean:
            {
                if ((defined + 7) / 8 > data.Length) ThrowHelper.Corrupt("boolean values run past the page");
                var k = 0;
                for (var i = 0; i < n; i++)
                {
                    if (nulls is not null && nulls[start + i]) { target.Bools[start + i] = false; continue; }
                    target.Bools[start + i] = (data[k >> 3] & (1 << (k & 7))) != 0;
                    k++;
                }
                return (defined + 7) / 8;
            }
            default:
            {
                var p = 0;
                for (var i = 0; i < n; i++)
                {
                    var row = start + i;
                    if (nulls is null || !nulls[row])
                    {
                        if (data.Length - p < 4) ThrowHelper.Corrupt("a string length runs past the page");
                        var len = BinaryPrimitives.ReadInt32LittleEndian(data[p..]);
                        p += 4;
                        if (len < 0 || len > data.Length - p) ThrowHelper.Corrupt($"a string of {len} bytes runs past the page");
                        target.EnsureBytes(len);
                        data.Slice(p, len).CopyTo(target.Bytes.AsSpan(target.ByteLength));
                        target.ByteLength += len;
                        p += len;
                    }
                    target.Offsets[row + 1] = target.ByteLength;
                }
                return p;
            }
        }
    }

    private static void Scatter<T>(ReadOnlySpan<T> src, Span<T> dst, bool[]? nulls, int start) where T : struct
    {
        if (nulls is null) { src.CopyTo(dst); return; }
        var k = 0;
        for (var i = 0; i < dst.Length; i++) dst[i] = nulls[start + i] ? default : src[k++];
    }

    private void Gather(ColumnBuffer dict, ReadOnlySpan<int> indices, int n, bool[]? nulls)
    {
        var start = _done;
        var k = 0;
        switch (_column.Storage)
        {
            case Storage.Int64:
            {
                var d = dict.Longs; var dst = _into.Longs;
                for (var i = 0; i < n; i++) dst[start + i] = nulls is not null && nulls[start + i] ? 0 : d[indices[k++]];
                break;
            }
            case Storage.Int32:
            {
                var d = dict.Ints; var dst = _into.Ints;
                for (var i = 0; i < n; i++) dst[start + i] = nulls is not null && nulls[start + i] ? 0 : d[indices[k++]];
                break;
            }
            case Storage.Double:
            {
                var d = dict.Doubles; var dst = _into.Doubles;
                for (var i = 0; i < n; i++) dst[start + i] = nulls is not null && nulls[start + i] ? 0 : d[indices[k++]];
                break;
            }
            default:
                break;   // strings never get here: their dictionary lives in the output (DecodeStringIndices)
        }
    }
}
