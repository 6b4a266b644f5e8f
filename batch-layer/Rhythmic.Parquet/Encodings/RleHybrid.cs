using System.Buffers.Binary;
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
                ulong acc = 0;
                var bits = 0;
                var sp = 0;
                for (var k = 0; k < count; k++)
                {
                    while (bits < bitWidth) { acc |= (ulong)src[sp++] << bits; bits += 8; }
                    var v = (int)(acc & mask);
                    acc >>= bitWidth;
                    bits -= bitWidth;
                    if ((uint)v > (uint)maxValue) ThrowHelper.Corrupt($"{what}: value {v} exceeds {maxValue}.");
                    output[filled + k] = v;
                }
                filled += count;
            }
        }
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
