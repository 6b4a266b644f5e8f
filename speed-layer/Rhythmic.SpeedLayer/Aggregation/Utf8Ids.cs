using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Rhythmic.SpeedLayer.Aggregation;

/// <summary>
/// Numbers the distinct values of one field (levels, states, artists...) from 0, keyed by their UTF-8 bytes, so the
/// aggregates count on small integers and a value's string is decoded once, when first seen. Open addressing over one
/// byte arena; not thread-safe (one per aggregator).
/// </summary>
internal sealed class Utf8Ids
{
    private int[] _slots = new int[64];          // id + 1; 0 = empty
    private ulong[] _hashes = new ulong[32];
    private int[] _starts = new int[32];
    private int[] _lengths = new int[32];
    private string[] _strings = new string[32];
    private byte[] _arena = new byte[1024];
    private int _used;

    /// <summary>Distinct values numbered so far.</summary>
    public int Count { get; private set; }

    /// <summary>The string of value <paramref name="id"/>.</summary>
    public string this[int id] => _strings[id];

    /// <summary>The id of <paramref name="utf8"/> (valid UTF-8), numbering it if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Id(ReadOnlySpan<byte> utf8)
    {
        var hash = Hash(utf8);
        var mask = _slots.Length - 1;
        for (var slot = (int)hash & mask; ; slot = (slot + 1) & mask)
        {
            var id = _slots[slot] - 1;
            if (id < 0) return Add(utf8, hash, slot);
            // Up to 8 bytes, the hash and the length tell the value (see Hash): no need to compare the bytes.
            if (_hashes[id] == hash && (utf8.Length <= 8 ? _lengths[id] == utf8.Length : utf8.SequenceEqual(_arena.AsSpan(_starts[id], _lengths[id])))) return id;
        }
    }

    /// <summary>The id of <paramref name="value"/>, numbering it if new (the general path: strings, not bytes).</summary>
    public int Id(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[512];
        var n = Encoding.UTF8.GetBytes(value, buffer);
        var id = Id(buffer[..n]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return id;
    }

    /// <summary>Forgets every value (only when no counter holds an id).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        Array.Clear(_strings, 0, Count);
        Count = 0;
        _used = 0;
    }

    private int Add(ReadOnlySpan<byte> utf8, ulong hash, int slot)
    {
        var id = Count;
        if (id == _hashes.Length)
        {
            Array.Resize(ref _hashes, id * 2);
            Array.Resize(ref _starts, id * 2);
            Array.Resize(ref _lengths, id * 2);
            Array.Resize(ref _strings, id * 2);
        }
        if (_used + utf8.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + utf8.Length));
        utf8.CopyTo(_arena.AsSpan(_used));
        _hashes[id] = hash;
        _starts[id] = _used;
        _lengths[id] = utf8.Length;
        _strings[id] = Encoding.UTF8.GetString(utf8);
        _used += utf8.Length;
        Count = id + 1;
        _slots[slot] = id + 1;
        if (Count * 2 > _slots.Length) Rehash();
        return id;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        var mask = _slots.Length - 1;
        for (var id = 0; id < Count; id++)
        {
            var slot = (int)_hashes[id] & mask;
            while (_slots[slot] != 0) slot = (slot + 1) & mask;
            _slots[slot] = id + 1;
        }
    }

    // Multiply-rotate over 8-byte words (the last word overlapping), finished with a murmur-style avalanche. Up to 8
    // bytes, every byte is read into one word and each step is a bijection, so two values of the same length have the
    // same hash only if they are equal.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<byte> s)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        ulong h = (ulong)s.Length * K;
        if (s.Length >= 8)
        {
            var i = 0;
            for (; i + 8 < s.Length; i += 8) h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(s[i..])) * K, 29);
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(s[^8..])) * K, 29);
        }
        else
        {
            ulong w = 0;
            if (s.Length >= 4)
                w = BinaryPrimitives.ReadUInt32LittleEndian(s) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(s[^4..]) << 32);
            else if (s.Length > 0)
                w = s[0] | ((ulong)s[s.Length / 2] << 8) | ((ulong)s[^1] << 16);
            h = (h ^ w) * K;
        }
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33;
        return h;
    }
}
