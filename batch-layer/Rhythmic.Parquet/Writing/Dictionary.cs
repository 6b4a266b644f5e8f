using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Rhythmic.Parquet.Writing;

/// <summary>
/// Open-addressing dictionaries that map each distinct value of a column chunk to its index, in first-seen order.
/// Values are identified by 64-bit keys (numbers, doubles by their bits) or by the bytes of a string.
/// </summary>
internal sealed class DictionaryBuilder
{
    private int[] _slots = new int[1024];     // entry index + 1, 0 = empty
    private long[] _keys = new long[512];     // numbers: the value; bytes: offset << 32 | length into the source
    private uint[] _hashes = new uint[512];
    public int Count;
    public long PlainBytes;

    public void Reset()
    {
        if (Count > 0) Array.Clear(_slots);
        Count = 0;
        PlainBytes = 0;
    }

    public ReadOnlySpan<long> Keys => _keys.AsSpan(0, Count);

    /// <summary>The index of <paramref name="key"/>, adding it when new.</summary>
    public int AddNumber(long key)
    {
        var h = Mix((ulong)key);
        var mask = _slots.Length - 1;
        var s = (int)(h & (uint)mask);
        while (true)
        {
            var e = _slots[s];
            if (e == 0) return Insert(s, key, h);
            if (_keys[e - 1] == key) return e - 1;
            s = (s + 1) & mask;
        }
    }

    /// <summary>The index of <c>source[offset..offset+length]</c>, adding it when new (the key points into <paramref name="source"/>).</summary>
    public int AddBytes(byte[] source, int offset, int length)
    {
        var span = source.AsSpan(offset, length);
        var h = HashBytes(span);
        var mask = _slots.Length - 1;
        var s = (int)(h & (uint)mask);
        while (true)
        {
            var e = _slots[s];
            if (e == 0)
            {
                PlainBytes += 4 + length;
                return Insert(s, ((long)offset << 32) | (uint)length, h);
            }
            if (_hashes[e - 1] == h)
            {
                var k = _keys[e - 1];
                if ((int)k == length && source.AsSpan((int)(k >> 32), length).SequenceEqual(span)) return e - 1;
            }
            s = (s + 1) & mask;
        }
    }

    private int Insert(int slot, long key, uint hash)
    {
        if (Count == _keys.Length) { Array.Resize(ref _keys, Count * 2); Array.Resize(ref _hashes, Count * 2); }
        _keys[Count] = key;
        _hashes[Count] = hash;
        _slots[slot] = ++Count;
        if (Count * 2 > _slots.Length) Rehash();
        return Count - 1;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        var mask = _slots.Length - 1;
        for (var e = 0; e < Count; e++)
        {
            var s = (int)(_hashes[e] & (uint)mask);
            while (_slots[s] != 0) s = (s + 1) & mask;
            _slots[s] = e + 1;
        }
    }

    private static uint Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        return (uint)x;
    }

    private static uint HashBytes(ReadOnlySpan<byte> s)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)s.Length;
        var i = 0;
        for (; i + 8 <= s.Length; i += 8)
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(s[i..])) * 0xC2B2AE3D27D4EB4FUL, 31);
        ulong tail = 0;
        for (var k = 0; i < s.Length; i++, k += 8) tail |= (ulong)s[i] << k;
        h = (h ^ tail) * 0x165667B19E3779F9UL;
        return Mix(h);
    }
}
