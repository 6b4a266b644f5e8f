using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Rhythmic.Parquet.Thrift;

namespace Rhythmic.Parquet.Encodings;

/// <summary>
/// The RLE / bit-packed hybrid encoding of definition levels, dictionary indices and RLE booleans: runs of one value
/// are RLE runs, everything else goes in bit-packed groups of eight.
/// </summary>
internal static class RleHybrid
{
    /// <summary>Bits needed for values up to <paramref name="max"/>.</summary>
    public static int BitWidth(int max) => max == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)max);

    /// <summary>Encodes <paramref name="values"/> (each below 2^bitWidth) and appends them to <paramref name="output"/>.</summary>
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, ByteBuffer output)
    {
        var n = values.Length;
        var i = 0;
        while (i < n)
        {
            var run = RunLength(values, i);
            if (run >= 8)
            {
                WriteVarint(output, (uint)run << 1);
                WriteRleValue(output, values[i], bitWidth);
                i += run;
                continue;
            }
            // Literal groups of 8 until a run of 8 or more starts at a group boundary.
            var start = i;
            var groups = 0;
            do
            {
                i += 8;
                groups++;
            } while (i < n && RunLength(values, i) < 8 && groups < 1 << 20);
            WriteVarint(output, ((uint)groups << 1) | 1);
            BitPack(values[start..Math.Min(i, n)], groups * 8, bitWidth, output);
            if (i > n) i = n;
        }
    }

    private static int RunLength(ReadOnlySpan<int> values, int i)
    {
        var v = values[i];
        var j = i + 1;
        while (j < values.Length && values[j] == v) j++;
        return j - i;
    }

    private static void WriteRleValue(ByteBuffer output, int value, int bitWidth)
    {
        for (var b = 0; b < (bitWidth + 7) / 8; b++) output.WriteByte((byte)(value >> (8 * b)));
    }

    private static void BitPack(ReadOnlySpan<int> values, int paddedCount, int bitWidth, ByteBuffer output)
    {
        var bytes = paddedCount * bitWidth / 8;
        var span = output.GetSpan(bytes + 8)[..bytes];
        span.Clear();
        ulong acc = 0;
        var bits = 0;
        var pos = 0;
        for (var k = 0; k < paddedCount; k++)
        {
            var v = k < values.Length ? (ulong)(uint)values[k] : 0;
            acc |= v << bits;
            bits += bitWidth;
            while (bits >= 8) { span[pos++] = (byte)acc; acc >>= 8; bits -= 8; }
        }
        if (bits > 0) span[pos++] = (byte)acc;
        output.Advance(bytes);
    }

    private static void WriteVarint(ByteBuffer output, uint value)
    {
        while (value >= 0x80) { output.WriteByte((byte)(value | 0x80)); value >>= 7; }
        output.WriteByte((byte)value);
    }

    /// <summary>
    /// Decodes exactly <paramref name="output"/>.Length values from <paramref name="input"/>; fails if the input ends
    /// first or a value exceeds <paramref name="maxValue"/>.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> input, int bitWidth, Span<int> output, int maxValue, string what)
    {
        if (bitWidth is < 0 or > 32) ThrowHelper.Corrupt($"{what}: bit width {bitWidth} is invalid.");
        var pos = 0;
        var filled = 0;
        var mask = bitWidth == 32 ? ulong.MaxValue >> 32 : (1UL << bitWidth) - 1;
        while (filled < output.Length)
        {
            var header = ReadVarint(input, ref pos, what);
            if ((header & 1) == 0)
            {
                var count = header >> 1;
                if (count == 0) ThrowHelper.Corrupt($"{what}: empty RLE run.");
                var width = (bitWidth + 7) / 8;
                if (width > input.Length - pos) ThrowHelper.Corrupt($"{what}: truncated RLE run.");
                var value = 0;
                for (var b = 0; b < width; b++) value |= input[pos + b] << (8 * b);
                pos += width;
                if ((uint)value > (uint)maxValue) ThrowHelper.Corrupt($"{what}: value {value} exceeds {maxValue}.");
                var take = (int)Math.Min(count, (ulong)(output.Length - filled));
                output.Slice(filled, take).Fill(value);
                filled += take;
            }
            else
            {
                var groups = header >> 1;
                if (groups == 0 || groups > int.MaxValue / 8) ThrowHelper.Corrupt($"{what}: bit-packed run of {groups} groups is invalid.");
                var count = (int)Math.Min(groups * 8, (ulong)(output.Length - filled));
                // Writers may leave off the unused bytes of the last group, so only the bytes of the values needed must be there.
                var needed = ((long)count * bitWidth + 7) / 8;
                if (needed > input.Length - pos) ThrowHelper.Corrupt($"{what}: truncated bit-packed run.");
                var byteCount = (int)Math.Min(groups * (ulong)bitWidth, (ulong)(input.Length - pos));
                var src = input.Slice(pos, byteCount);
                pos += byteCount;
                if (bitWidth == 0) { output.Slice(filled, count).Clear(); filled += count; continue; }
                Unpack(src, bitWidth, output.Slice(filled, count), maxValue, what);
                filled += count;
            }
        }
    }

    /// <summary>Bit-packed values (LSB first) of <paramref name="bitWidth"/> bits; src holds at least the bytes of dst.Length values.</summary>
    private static void Unpack(ReadOnlySpan<byte> src, int bitWidth, Span<int> dst, int maxValue, string what)
    {
        var mask = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
        var count = dst.Length;
        // Value k starts at bit k*w; while 8 bytes from its first byte lie inside src, one unaligned read holds it
        // (shift <= 7, width <= 32). The bound is computed from src.Length, so the reads below need no checks.
        var fast = src.Length >= 8 ? (int)Math.Min(count, ((long)src.Length - 8) * 8 / bitWidth + 1) : 0;
        ref var s0 = ref MemoryMarshal.GetReference(src);
        ref var d0 = ref MemoryMarshal.GetReference(dst);
        uint seen = 0;
        long bit = 0;
        for (var k = 0; k < fast; k++, bit += bitWidth)
        {
            var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s0, (nint)(bit >> 3)));
            var v = (uint)(word >> (int)(bit & 7)) & mask;
            seen = Math.Max(seen, v);
            Unsafe.Add(ref d0, k) = (int)v;
        }
        for (var k = fast; k < count; k++, bit += bitWidth)
        {
            var b = (int)(bit >> 3);
            var shift = (int)(bit & 7);
            var bytes = (shift + bitWidth + 7) >> 3;
            ulong word = 0;
            for (var j = 0; j < bytes; j++) word |= (ulong)src[b + j] << (8 * j);
            var v = (uint)(word >> shift) & mask;
            seen = Math.Max(seen, v);
            dst[k] = (int)v;
        }
        // One check per run: the largest value decides.
        if (seen > (uint)maxValue) ThrowHelper.Corrupt($"{what}: value {(int)seen} exceeds {maxValue}.");
    }

    /// <summary>
    /// Definition levels of a flat optional column (bit width 1) straight into null flags; returns the defined count.
    /// Long runs of present values, the common case, become one Fill.
    /// </summary>
    public static int DecodeNullFlags(ReadOnlySpan<byte> input, Span<bool> nulls, string what)
    {
        var pos = 0;
        var filled = 0;
        var defined = 0;
        while (filled < nulls.Length)
        {
            var header = ReadVarint(input, ref pos, what);
            if ((header & 1) == 0)
            {
                var count = header >> 1;
                if (count == 0) ThrowHelper.Corrupt($"{what}: empty RLE run.");
                if (pos >= input.Length) ThrowHelper.Corrupt($"{what}: truncated RLE run.");
                int value = input[pos++];
                if (value > 1) ThrowHelper.Corrupt($"{what}: value {value} exceeds 1.");
                var take = (int)Math.Min(count, (ulong)(nulls.Length - filled));
                nulls.Slice(filled, take).Fill(value == 0);
                defined += value * take;
                filled += take;
            }
            else
            {
                var groups = header >> 1;
                if (groups == 0 || groups > int.MaxValue / 8) ThrowHelper.Corrupt($"{what}: bit-packed run of {groups} groups is invalid.");
                var count = (int)Math.Min(groups * 8, (ulong)(nulls.Length - filled));
                var needed = (count + 7) / 8;
                if (needed > input.Length - pos) ThrowHelper.Corrupt($"{what}: truncated bit-packed run.");
                var byteCount = (int)Math.Min(groups, (ulong)(input.Length - pos));
                var src = input.Slice(pos, needed);
                pos += byteCount;
                var dst = nulls.Slice(filled, count);
                for (var k = 0; k < dst.Length; k++)
                {
                    var present = (src[k >> 3] >> (k & 7)) & 1;
                    dst[k] = present == 0;
                    defined += present;
                }
                filled += count;
            }
        }
        return defined;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> input, ref int pos, string what)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= input.Length) ThrowHelper.Corrupt($"{what}: the encoded data ends before all values were read.");
            var b = input[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        return ThrowHelper.Corrupt<ulong>($"{what}: varint too long.");
    }

    /// <summary>Reads a 4-byte little-endian length prefix and returns the span it covers.</summary>
    public static ReadOnlySpan<byte> LengthPrefixed(ReadOnlySpan<byte> data, scoped ref int pos, string what)
    {
        if (data.Length - pos < 4) ThrowHelper.Corrupt($"{what}: truncated length prefix.");
        var length = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        pos += 4;
        if (length < 0 || length > data.Length - pos) ThrowHelper.Corrupt($"{what}: length {length} exceeds the page.");
        var span = data.Slice(pos, length);
        pos += length;
        return span;
    }
}
