using System.Buffers.Binary;
using System.Text;

namespace Rhythmic.Warehouse;

/// <summary>
/// Encodes rows in PostgreSQL's binary COPY format into one growable buffer: big-endian integers, timestamps as
/// microseconds since 2000-01-01 UTC, text as its UTF-8 bytes (taken straight from the Parquet pages, never turned
/// into strings). Writing a field is a length and a copy, where Npgsql's importer resolves a type handler per field.
/// </summary>
internal sealed class CopyRowEncoder
{
    /// <summary>The COPY binary header: signature, flags, header extension length.</summary>
    public static ReadOnlySpan<byte> HeaderBytes => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).</summary>
    public const long PostgresEpochMicros = 946_684_800_000_000;

    private byte[] _buffer;
    private int _length;

    public CopyRowEncoder(int capacity = 1 << 20) => _buffer = new byte[capacity];

    /// <summary>The bytes encoded since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public void Clear() => _length = 0;

    /// <summary>Hands the buffer over (its first <see cref="Length"/> bytes are the rows) and starts a new one.</summary>
    public (byte[] Buffer, int Length) Detach()
    {
        var chunk = (_buffer, _length);
        _buffer = new byte[_buffer.Length];
        _length = 0;
        return chunk;
    }

    public void StartRow(short fields)
    {
        var s = Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(s, fields);
        _length += 2;
    }

    /// <summary>Starts the COPY data.</summary>
    public void Header()
    {
        HeaderBytes.CopyTo(Reserve(HeaderBytes.Length));
        _length += HeaderBytes.Length;
    }

    /// <summary>Ends the COPY data.</summary>
    public void Trailer()
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
        _length += 2;
    }

    public void Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);
        _length += 4;
    }

    public void Text(ReadOnlySpan<byte> utf8)
    {
        var s = Reserve(4 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(s, utf8.Length);
        utf8.CopyTo(s[4..]);
        _length += 4 + utf8.Length;
    }

    public void Text(string? value)
    {
        if (value is null) { Null(); return; }
        var s = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, s[4..]);
        BinaryPrimitives.WriteInt32BigEndian(s, n);
        _length += 4 + n;
    }

    public void Int64(long value)
    {
        var s = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(s, 8);
        BinaryPrimitives.WriteInt64BigEndian(s[4..], value);
        _length += 12;
    }

    public void Int32(int value)
    {
        var s = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(s, 4);
        BinaryPrimitives.WriteInt32BigEndian(s[4..], value);
        _length += 8;
    }

    public void Double(double value)
    {
        var s = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(s, 8);
        BinaryPrimitives.WriteDoubleBigEndian(s[4..], value);
        _length += 12;
    }

    public void Boolean(bool value)
    {
        var s = Reserve(5);
        BinaryPrimitives.WriteInt32BigEndian(s, 1);
        s[4] = value ? (byte)1 : (byte)0;
        _length += 5;
    }

    /// <summary>A timestamptz given as microseconds since the Unix epoch (UTC).</summary>
    public void TimestampMicros(long unixMicros) => Int64(unixMicros - PostgresEpochMicros);

    /// <summary>The timestamptz 'infinity'.</summary>
    public void TimestampInfinity() => Int64(long.MaxValue);

    /// <summary>A date given as days since the Unix epoch.</summary>
    public void Date(long unixDays) => Int32(checked((int)(unixDays - PostgresEpochDays)));

    /// <summary>Days from the Unix epoch to PostgreSQL's (2000-01-01).</summary>
    public const long PostgresEpochDays = 10_957;

    /// <summary>Microseconds since the Unix epoch of a UTC (or unspecified, taken as UTC) instant.</summary>
    public static long UnixMicros(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private Span<byte> Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        return _buffer.AsSpan(_length);
    }
}
