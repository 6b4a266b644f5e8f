using System.Text;

namespace Rhythmic.Core.Events;

/// <summary>
/// A small direct-mapped cache from UTF-8 bytes to strings, so the hot path of a parser returns the same string
/// instance for a repeated value instead of allocating one per field. Not thread-safe: one per parser.
/// A slot holds the last value that hashed to it; a miss decodes (strictly: invalid UTF-8 throws) and replaces it.
/// </summary>
public sealed class Utf8StringCache
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[]?[] _keys;
    private readonly string[] _values;
    private readonly int _mask;
    private readonly int _maxLength;

    /// <summary>A cache of <paramref name="slots"/> (rounded up to a power of two) values of at most <paramref name="maxLength"/> bytes.</summary>
    public Utf8StringCache(int slots = 8192, int maxLength = 256)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, slots));
        _keys = new byte[size][];
        _values = new string[size];
        _mask = size - 1;
        _maxLength = maxLength;
    }

    /// <summary>The string of <paramref name="utf8"/>; throws <see cref="DecoderFallbackException"/> if it is not valid UTF-8.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0) return "";
        if (utf8.Length > _maxLength) return Strict.GetString(utf8);
        var slot = Hash(utf8) & _mask;
        var key = _keys[slot];
        if (key is not null && utf8.SequenceEqual(key)) return _values[slot];
        var value = Strict.GetString(utf8);
        _keys[slot] = utf8.ToArray();
        _values[slot] = value;
        return value;
    }

    // FNV-1a over 8-byte words: cheap for the short strings this cache holds.
    private static int Hash(ReadOnlySpan<byte> s)
    {
        ulong h = 14695981039346656037UL;
        while (s.Length >= 8)
        {
            h = (h ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(s)) * 1099511628211UL;
            s = s[8..];
        }
        foreach (var b in s) h = (h ^ b) * 1099511628211UL;
        return (int)(h ^ (h >> 29) ^ (h >> 41));
    }
}
