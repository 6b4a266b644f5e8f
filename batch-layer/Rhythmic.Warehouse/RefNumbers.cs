using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Rhythmic.Warehouse;

/// <summary>
/// Numbers distinct natural keys (a song's artist, title and duration; a place's city, state, zip, lat and lon) by
/// their bytes: the key is assembled in one reused buffer from the Parquet page's UTF-8 bytes and looked up without
/// allocating, so only a key seen for the first time becomes strings. Numbers start at 1, in first-seen order.
/// </summary>
internal sealed class RefNumbers
{
    private readonly Dictionary<byte[], int> _numbers = new(ByteKeys.Instance);
    private byte[] _key = new byte[256];
    private int _length;

    public int Count => _numbers.Count;

    /// <summary>Starts a key.</summary>
    public RefNumbers Begin()
    {
        _length = 0;
        return this;
    }

    public RefNumbers Add(ReadOnlySpan<byte> utf8)
    {
        var s = Reserve(4 + utf8.Length);
        BinaryPrimitives.WriteInt32LittleEndian(s, utf8.Length);
        utf8.CopyTo(s[4..]);
        _length += 4 + utf8.Length;
        return this;
    }

    public RefNumbers Add(string value)
    {
        var s = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, s[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(s, n);
        _length += 4 + n;
        return this;
    }

    public RefNumbers Add(double value)
    {
        // By value, as the tuple keys compared it: 0.0 and -0.0 are one key.
        BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value == 0 ? 0 : value);
        _length += 8;
        return this;
    }

    /// <summary>The key's number; <paramref name="added"/> when the key is new (the caller records its parts).</summary>
    public int Number(out bool added)
    {
        var key = _key.AsSpan(0, _length);
        var lookup = _numbers.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(key, out var known)) { added = false; return known; }
        var number = _numbers.Count + 1;
        _numbers.Add(key.ToArray(), number);
        added = true;
        return number;
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_length + bytes > _key.Length) Array.Resize(ref _key, Math.Max(_key.Length * 2, _length + bytes));
        return _key.AsSpan(_length);
    }

    private sealed class ByteKeys : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteKeys Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);
        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var h = new HashCode();
            h.AddBytes(alternate);
            return h.ToHashCode();
        }
        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
