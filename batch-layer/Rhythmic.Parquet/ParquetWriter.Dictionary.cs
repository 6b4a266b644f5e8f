using System.Buffers.Binary;
using Rhythmic.Parquet.Format;

namespace Rhythmic.Parquet;

public sealed partial class ParquetWriter
{
    /// <summary>Builds the chunk's dictionary and indices; false when the chunk should be PLAIN.</summary>
    private bool TryDictionary(ColumnBuffer c, int nonNull)
    {
        var storage = c.Column.Storage;
        if (_options.Encoding == ValueEncoding.Plain || storage == Storage.Boolean || nonNull == 0) return false;
        var auto = _options.Encoding == ValueEncoding.Auto;
        _dict.Reset();
        if (_indices.Length < nonNull) _indices = new int[Math.Max(nonNull, _indices.Length * 2)];
        var nulls = c.NullFlags;
        var width = storage switch { Storage.Int32 => 4, Storage.Double when c.Column.Type == ParquetType.Float => 4, _ => 8 };
        var k = 0;
        for (var r = 0; r < c.Count; r++)
        {
            if (nulls is not null && nulls[r]) continue;
            _indices[k++] = storage switch
            {
                Storage.Int64 => _dict.AddNumber(c.Longs[r]),
                Storage.Int32 => _dict.AddNumber(c.Ints[r]),
                Storage.Double => _dict.AddNumber(BitConverter.DoubleToInt64Bits(c.Doubles[r])),
                _ => _dict.AddBytes(c.Bytes, c.Offsets[r], c.Offsets[r + 1] - c.Offsets[r]),
            };
            if (!auto) continue;
            // Mostly distinct values (timestamps, coordinates) gain nothing from a dictionary: give up early.
            if (k == 1024 && _dict.Count > 700) return false;
            var bytes = storage == Storage.Bytes ? _dict.PlainBytes : (long)_dict.Count * width;
            if (bytes > _options.MaxDictionaryBytes) return false;
        }
        return !auto || _dict.Count <= nonNull * 3L / 4;
    }

    private void WriteDictionaryValues(ColumnBuffer c)
    {
        var keys = _dict.Keys;
        switch (c.Column.Storage)
        {
            case Storage.Int32: foreach (var k in keys) _page.WriteInt32((int)k); break;
            case Storage.Double when c.Column.Type == ParquetType.Float:
                foreach (var k in keys) _page.WriteInt32(BitConverter.SingleToInt32Bits((float)BitConverter.Int64BitsToDouble(k)));
                break;
            case Storage.Int64 or Storage.Double: foreach (var k in keys) _page.WriteInt64(k); break;
            default:
                foreach (var k in keys)
                {
                    var len = (int)k;
                    _page.WriteInt32(len);
                    _page.Write(c.Bytes.AsSpan((int)(k >> 32), len));
                }
                break;
        }
    }

    /// <summary>Min, max and null count of a chunk; with a dictionary, min and max come from its distinct values.</summary>
    private Statistics Statistics(ColumnBuffer c, bool fromDictionary)
    {
        var stats = new Statistics { NullCount = c.NullCount };
        var nulls = c.NullFlags;
        var storage = c.Column.Storage;
        bool Skip(int r) => nulls is not null && nulls[r];
        if (c.Count == c.NullCount) return stats;
        switch (storage)
        {
            case Storage.Int64 or Storage.Int32:
            {
                long min = long.MaxValue, max = long.MinValue;
                if (fromDictionary)
                    foreach (var k in _dict.Keys) { if (k < min) min = k; if (k > max) max = k; }
                else
                    for (var r = 0; r < c.Count; r++)
                    {
                        if (Skip(r)) continue;
                        var v = storage == Storage.Int64 ? c.Longs[r] : c.Ints[r];
                        if (v < min) min = v;
                        if (v > max) max = v;
                    }
                stats.MinValue = storage == Storage.Int64 ? Int64Bytes(min) : Int32Bytes((int)min);
                stats.MaxValue = storage == Storage.Int64 ? Int64Bytes(max) : Int32Bytes((int)max);
                break;
            }
            case Storage.Double:
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                var any = false;
                for (var r = 0; r < c.Count; r++)
                {
                    if (Skip(r) || double.IsNaN(c.Doubles[r])) continue;   // NaN takes no part in min/max (spec)
                    var v = c.Doubles[r];
                    any = true;
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
                if (!any) break;
                if (min == 0) min = -0.0;   // the spec's rule for signed zeros
                if (max == 0) max = 0.0;
                if (c.Column.Type == ParquetType.Float)
                {
                    stats.MinValue = Int32Bytes(BitConverter.SingleToInt32Bits((float)min));
                    stats.MaxValue = Int32Bytes(BitConverter.SingleToInt32Bits((float)max));
                }
                else
                {
                    stats.MinValue = Int64Bytes(BitConverter.DoubleToInt64Bits(min));
                    stats.MaxValue = Int64Bytes(BitConverter.DoubleToInt64Bits(max));
                }
                break;
            }
            case Storage.Boolean:
            {
                bool anyTrue = false, anyFalse = false;
                for (var r = 0; r < c.Count; r++)
                    if (!Skip(r)) { if (c.Bools[r]) anyTrue = true; else anyFalse = true; }
                stats.MinValue = [anyFalse ? (byte)0 : (byte)1];
                stats.MaxValue = [anyTrue ? (byte)1 : (byte)0];
                break;
            }
            default:
            {
                ReadOnlySpan<byte> min = default, max = default;
                var first = true;
                void Consider(ReadOnlySpan<byte> v, ref ReadOnlySpan<byte> mn, ref ReadOnlySpan<byte> mx, ref bool f)
                {
                    if (f) { mn = v; mx = v; f = false; return; }
                    if (v.SequenceCompareTo(mn) < 0) mn = v;
                    if (v.SequenceCompareTo(mx) > 0) mx = v;
                }
                if (fromDictionary)
                    foreach (var k in _dict.Keys) Consider(c.Bytes.AsSpan((int)(k >> 32), (int)k), ref min, ref max, ref first);
                else
                    for (var r = 0; r < c.Count; r++)
                        if (!Skip(r)) Consider(c.Bytes.AsSpan(c.Offsets[r], c.Offsets[r + 1] - c.Offsets[r]), ref min, ref max, ref first);
                // Long values would bloat the footer; a missing bound only means the row group is never skipped on it.
                if (min.Length <= 256 && max.Length <= 256) { stats.MinValue = min.ToArray(); stats.MaxValue = max.ToArray(); }
                break;
            }
        }
        return stats;
    }

    private static byte[] Int64Bytes(long v) { var b = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); return b; }
    private static byte[] Int32Bytes(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); return b; }
}
