using System.Buffers.Binary;

namespace Rhythmic.Parquet.Thrift;

/// <summary>Writes the Thrift compact protocol (the encoding of every Parquet footer and page header) into a <see cref="ByteBuffer"/>.</summary>
internal sealed class CompactWriter(ByteBuffer output)
{
    private readonly Stack<short> _lastIds = new();
    private short _lastId;

    public void BeginStruct() { _lastIds.Push(_lastId); _lastId = 0; }

    public void EndStruct() { output.WriteByte(0); _lastId = _lastIds.Pop(); }

    private void FieldHeader(short id, byte type)
    {
        var delta = id - _lastId;
        if (delta is > 0 and <= 15) output.WriteByte((byte)((delta << 4) | type));
        else { output.WriteByte(type); WriteVarint(ZigZag(id)); }
        _lastId = id;
    }

    public void Bool(short id, bool value) => FieldHeader(id, value ? CompactType.True : CompactType.False);
    public void I32(short id, int value) { FieldHeader(id, CompactType.I32); WriteVarint(ZigZag(value)); }
    public void I64(short id, long value) { FieldHeader(id, CompactType.I64); WriteVarint(ZigZag(value)); }
    public void Binary(short id, ReadOnlySpan<byte> value) { FieldHeader(id, CompactType.Binary); WriteVarint((ulong)value.Length); output.Write(value); }
    public void String(short id, string value) => Binary(id, System.Text.Encoding.UTF8.GetBytes(value));
    public void Struct(short id) { FieldHeader(id, CompactType.Struct); BeginStruct(); }

    /// <summary>A list field header; the elements follow (structs with <see cref="BeginStruct"/>, scalars with the element writers).</summary>
    public void List(short id, byte elementType, int count)
    {
        FieldHeader(id, CompactType.List);
        if (count < 15) output.WriteByte((byte)((count << 4) | elementType));
        else { output.WriteByte((byte)(0xF0 | elementType)); WriteVarint((ulong)count); }
    }

    public void ElementI32(int value) => WriteVarint(ZigZag(value));
    public void ElementString(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        WriteVarint((ulong)bytes.Length);
        output.Write(bytes);
    }

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80) { output.WriteByte((byte)(value | 0x80)); value >>= 7; }
        output.WriteByte((byte)value);
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
}

/// <summary>Compact protocol type ids.</summary>
internal static class CompactType
{
    public const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8,
        List = 9, Set = 10, Map = 11, Struct = 12;
}

/// <summary>A growable byte buffer with a write position: the writer's one scratch area.</summary>
internal sealed class ByteBuffer(int capacity = 4096)
{
    private byte[] _data = new byte[Math.Max(16, capacity)];
    public int Length { get; private set; }

    public Span<byte> WrittenSpan => _data.AsSpan(0, Length);
    public byte[] Array => _data;

    public void Clear() => Length = 0;

    public void WriteByte(byte b)
    {
        if (Length == _data.Length) Grow(1);
        _data[Length++] = b;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _data.Length) Grow(bytes.Length);
        bytes.CopyTo(_data.AsSpan(Length));
        Length += bytes.Length;
    }

    public void WriteInt32(int v) { BinaryPrimitives.WriteInt32LittleEndian(GetSpan(4), v); Length += 4; }
    public void WriteInt64(long v) { BinaryPrimitives.WriteInt64LittleEndian(GetSpan(8), v); Length += 8; }

    /// <summary>Room for at least <paramref name="size"/> bytes at the end; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (Length + size > _data.Length) Grow(size);
        return _data.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Overwrites 4 bytes at <paramref name="position"/> (a length prefix written before its content).</summary>
    public void PatchInt32(int position, int v) => BinaryPrimitives.WriteInt32LittleEndian(_data.AsSpan(position), v);

    private void Grow(int extra)
    {
        var size = Math.Max(_data.Length * 2L, (long)Length + extra);
        if (size > System.Array.MaxLength) throw new InvalidOperationException("A Parquet buffer exceeded 2 GB; use smaller row groups.");
        System.Array.Resize(ref _data, (int)size);
    }
}
