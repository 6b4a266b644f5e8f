using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rhythmic.Parquet.Encodings;

/// <summary>
/// Raw Snappy block decompression into a caller's buffer. IronSnappy allocates a new array per page (a large-object
/// allocation for 64K-row pages); this decodes in place into the reader's reused page buffer. Every length and offset
/// is checked, so corrupt input fails with a <see cref="ParquetFormatException"/>.
/// </summary>
internal static class SnappyDecoder
{
    /// <summary>The uncompressed length the block declares.</summary>
    public static int DecodedLength(ReadOnlySpan<byte> src, out int headerBytes)
    {
        uint result = 0;
        for (var i = 0; i < 5; i++)
        {
            if (i >= src.Length) return Corrupt("the length header is truncated", out headerBytes);
            var b = src[i];
            if (i == 4 && b > 0x0F) break;
            result |= (uint)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                headerBytes = i + 1;
                return result > int.MaxValue ? Corrupt("the length header is too large", out headerBytes) : (int)result;
            }
        }
        return Corrupt("the length header is too large", out headerBytes);
    }

    /// <summary>Decodes the block <paramref name="src"/> into exactly <paramref name="dst"/> (its declared length).</summary>
    public static void Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var length = DecodedLength(src, out var s);
        if (length != dst.Length) Corrupt($"the block holds {length} bytes, not {dst.Length}", out _);
        var d = 0;
        while (s < src.Length)
        {
            int tag = src[s];
            switch (tag & 3)
            {
                case 0:
                {
                    var len = tag >> 2;
                    s++;
                    if (len >= 60)
                    {
                        var extra = len - 59;
                        if (extra > src.Length - s) Corrupt("a literal length is truncated", out _);
                        uint value = 0;
                        for (var k = 0; k < extra; k++) value |= (uint)src[s + k] << (8 * k);
                        s += extra;
                        if (value >= int.MaxValue) Corrupt("a literal is too long", out _);
                        len = (int)value;
                    }
                    len++;
                    if (len > src.Length - s || len > dst.Length - d) Corrupt("a literal runs past the block", out _);
                    if (len <= 16 && src.Length - s >= 16 && dst.Length - d >= 16)
                    {
                        // Short literals dominate: one unaligned 16-byte move (both ends checked just above) beats a span copy.
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(dst), d),
                            Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref MemoryMarshal.GetReference(src), s)));
                    }
                    else
                    {
                        src.Slice(s, len).CopyTo(dst[d..]);
                    }
                    s += len;
                    d += len;
                    continue;
                }
                case 1:
                {
                    if (src.Length - s < 2) Corrupt("a copy is truncated", out _);
                    var len = 4 + ((tag >> 2) & 7);
                    var offset = ((tag >> 5) << 8) | src[s + 1];
                    s += 2;
                    Copy(dst, ref d, offset, len);
                    continue;
                }
                case 2:
                {
                    if (src.Length - s < 3) Corrupt("a copy is truncated", out _);
                    var len = 1 + (tag >> 2);
                    int offset = BinaryPrimitives.ReadUInt16LittleEndian(src[(s + 1)..]);
                    s += 3;
                    Copy(dst, ref d, offset, len);
                    continue;
                }
                default:
                {
                    if (src.Length - s < 5) Corrupt("a copy is truncated", out _);
                    var len = 1 + (tag >> 2);
                    var offset = BinaryPrimitives.ReadUInt32LittleEndian(src[(s + 1)..]);
                    s += 5;
                    if (offset > int.MaxValue) Corrupt("a copy reaches before the block", out _);
                    Copy(dst, ref d, (int)offset, len);
                    continue;
                }
            }
        }
        if (d != dst.Length) Corrupt($"the block decoded to {d} bytes, not {dst.Length}", out _);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(Span<byte> dst, ref int d, int offset, int len)
    {
        if (offset <= 0 || offset > d || len > dst.Length - d) Corrupt("a copy reaches outside the block", out _);
        ref var to = ref Unsafe.Add(ref MemoryMarshal.GetReference(dst), d);
        ref var from = ref Unsafe.Subtract(ref to, offset);
        if (offset >= 8 && len + 8 <= dst.Length - d)
        {
            // Eight bytes at a time; each read lies at least 8 bytes behind the write, so earlier writes are seen as
            // the format requires. Over-writing up to 7 bytes past the copy is safe: they are checked to lie inside
            // dst and are overwritten by later elements (or ignored at the end, as the final length is checked).
            for (var k = 0; k < len; k += 8)
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, k), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, k)));
        }
        else
        {
            // Short offsets repeat the last `offset` bytes; byte order matters.
            for (var k = 0; k < len; k++) Unsafe.Add(ref to, k) = Unsafe.Add(ref from, k);
        }
        d += len;
    }

    private static int Corrupt(string message, out int headerBytes)
    {
        headerBytes = 0;
        return ThrowHelper.Corrupt<int>($"corrupt Snappy data: {message}");
    }
}
