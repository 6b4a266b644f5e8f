using System.Buffers.Binary;

namespace Rhythmic.Parquet.Thrift;

/// <summary>
/// Reads the Thrift compact protocol from a span. Every length is checked against the bytes left and nesting is
/// bounded, so a malformed footer fails with a <see cref="ParquetFormatException"/> instead of looping or allocating.
/// </summary>
internal ref struct CompactReader(ReadOnlySpan<byte> data, string what)
{
    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _data = data;
    private int _pos;
    private short _lastId;
    private int _depth;
    private readonly string _what = what;

    public readonly int Position => _pos;

    /// <summary>Enters a struct; returns the id of the enclosing struct's last field to hand back to <see cref="EndStruct"/>.</summary>
    public short BeginStruct()
    {
        if (++_depth > MaxDepth) Fail("nesting too deep");
        var saved = _lastId;
        _lastId = 0;
        return saved;
    }

    public void EndStruct(short saved) { _depth--; _lastId = saved; }

    /// <summary>Reads the next field header; false at the struct's stop byte.</summary>
    public bool NextField(out short id, out byte type)
    {
        var b = ReadByte();
        type = (byte)(b & 0x0F);
        if (type == CompactType.Stop) { id = 0; return false; }
        var delta = b >> 4;
        var wide = delta != 0 ? _lastId + delta : ReadZigZag();
        id = wide is < short.MinValue or > short.MaxValue ? Fail<short>($"field id {wide} out of range") : (short)wide;
        _lastId = id;
        return true;
    }

    public bool ReadBool(byte type) => type switch
    {
        CompactType.True => true,
        CompactType.False => false,
        _ => Fail<bool>($"expected a boolean field, found type {type}"),
    };

    public int ReadI32(byte type)
    {
        Expect(type, CompactType.I32, CompactType.I16, CompactType.Byte);
        if (type == CompactType.Byte) return (sbyte)ReadByte();
        var v = ReadZigZag();
        return v is < int.MinValue or > int.MaxValue ? Fail<int>("i32 out of range") : (int)v;
    }

    public long ReadI64(byte type)
    {
        Expect(type, CompactType.I64, CompactType.I32, CompactType.I16);
        return ReadZigZag();
    }

    public ReadOnlySpan<byte> ReadBinary(byte type)
    {
        Expect(type, CompactType.Binary, CompactType.Binary, CompactType.Binary);
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _pos)) Fail($"binary of {length} bytes runs past the end");
        var span = _data.Slice(_pos, (int)length);
        _pos += (int)length;
        return span;
    }

    public string ReadString(byte type) => System.Text.Encoding.UTF8.GetString(ReadBinary(type));

    /// <summary>A list header: element type and count (each element takes at least one byte, so the count is bounded by the input).</summary>
    public int ReadListHeader(byte type, out byte elementType)
    {
        Expect(type, CompactType.List, CompactType.Set, CompactType.Set);
        var b = ReadByte();
        elementType = (byte)(b & 0x0F);
        var count = (ulong)(b >> 4);
        if (count == 15) count = ReadVarint();
        if (count > (ulong)(_data.Length - _pos)) Fail($"list of {count} elements runs past the end");
        return (int)count;
    }

    public int ReadElementI32() => ReadI32(CompactType.I32);
    public string ReadElementString() => ReadString(CompactType.Binary);

    /// <summary>Skips a value of <paramref name="type"/> (unknown fields of newer writers).</summary>
    public void Skip(byte type)
    {
        if (++_depth > MaxDepth) Fail("nesting too deep");
        switch (type)
        {
            case CompactType.True or CompactType.False: break;
            case CompactType.Byte: ReadByte(); break;
            case CompactType.I16 or CompactType.I32 or CompactType.I64: ReadVarint(); break;
            case CompactType.Double: Take(8); break;
            case CompactType.Binary: ReadBinary(type); break;
            case CompactType.List or CompactType.Set:
            {
                var n = ReadListHeader(type, out var et);
                for (var i = 0; i < n; i++) SkipElement(et);
                break;
            }
            case CompactType.Map:
            {
                var n = ReadVarint();
                if (n > (ulong)(_data.Length - _pos)) Fail("map runs past the end");
                if (n > 0)
                {
                    var kv = ReadByte();
                    for (ulong i = 0; i < n; i++) { SkipElement((byte)(kv >> 4)); SkipElement((byte)(kv & 0x0F)); }
                }
                break;
            }
            case CompactType.Struct:
            {
                var saved = BeginStruct();
                while (NextField(out _, out var ft)) Skip(ft);
                EndStruct(saved);
                break;
            }
            default: Fail($"unknown field type {type}"); break;
        }
        _depth--;
    }

    private void SkipElement(byte type)
    {
        // In lists a boolean is a whole byte.
        if (type is CompactType.True or CompactType.False) ReadByte();
        else Skip(type);
    }

    public double ReadDouble(byte type)
    {
        Expect(type, CompactType.Double, CompactType.Double, CompactType.Double);
        return BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _data.Length - _pos) Fail("truncated");
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    private byte ReadByte()
    {
        if (_pos >= _data.Length) Fail("truncated");
        return _data[_pos++];
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        return Fail<ulong>("varint longer than 10 bytes");
    }

    private long ReadZigZag()
    {
        var v = ReadVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    private readonly void Expect(byte type, byte a, byte b, byte c)
    {
        if (type != a && type != b && type != c) Fail($"unexpected field type {type}");
    }

    private readonly void Fail(string message) => throw new ParquetFormatException($"Malformed {_what} at byte {_pos}: {message}.");
    private readonly T Fail<T>(string message) => throw new ParquetFormatException($"Malformed {_what} at byte {_pos}: {message}.");
}
