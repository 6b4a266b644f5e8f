using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Parquet;
using Rhythmic.Parquet.Encodings;

namespace Rhythmic.Lake.Tests.Parquet;

/// <summary>Our Snappy decompression (into the reader's page buffer) against IronSnappy, the reference it replaces on the read path.</summary>
public sealed class SnappyDecoderTests
{
    // Random bytes, runs of one byte and repeated short patterns exercise literals and every kind of copy, overlapping ones included.
    private static readonly Gen<byte[]> Blocks = Gen.OneOf(
        ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null),
        from n in Gen.Choose(0, 5000) from b in ArbMap.Default.GeneratorFor<byte>() select Enumerable.Repeat(b, n).ToArray(),
        from patternLength in Gen.Choose(1, 70)
        from pattern in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), patternLength)
        from n in Gen.Choose(0, 100_000)
        select Enumerable.Range(0, n).Select(i => pattern[i % pattern.Length]).ToArray(),
        from n in Gen.Choose(0, 20_000)
        select Enumerable.Range(0, n).SelectMany(i => BitConverter.GetBytes(1_709_510_400_000L + i * 37L)).ToArray());

    [Fact]
    public void Decodes_what_IronSnappy_encodes_to_the_same_bytes()
    {
        Prop.ForAll(Blocks.ToArbitrary(), data =>
        {
            var block = IronSnappy.Snappy.Encode(data);
            Assert.Equal(data.Length, SnappyDecoder.DecodedLength(block, out _));
            var output = new byte[data.Length];
            SnappyDecoder.Decode(block, output);
            Assert.Equal(data, output);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_damaged_block_fails_with_a_format_error_or_decodes_like_IronSnappy()
    {
        var data = Enumerable.Range(0, 3000).SelectMany(i => BitConverter.GetBytes(1_709_510_400_000L + i % 50 * 37L)).ToArray();
        var block = IronSnappy.Snappy.Encode(data);
        for (var i = 0; i < block.Length; i++)
            foreach (var damage in new Func<byte, byte>[] { b => (byte)(b ^ 0xFF), b => (byte)(b + 1), _ => 0 })
            {
                var bad = (byte[])block.Clone();
                bad[i] = damage(bad[i]);
                CheckDamaged(bad);
                CheckDamaged(block.AsSpan(0, i).ToArray());
            }
    }

    private static void CheckDamaged(byte[] bad)
    {
        byte[]? reference;
        try { reference = IronSnappy.Snappy.Decode(bad); }
        catch (Exception) { reference = null; }
        try
        {
            var length = SnappyDecoder.DecodedLength(bad, out _);
            if (length > 1 << 20) return;   // the reader bounds the claim by the page header before decoding
            var output = new byte[length];
            SnappyDecoder.Decode(bad, output);
            Assert.NotNull(reference);
            Assert.Equal(reference, output);
        }
        catch (ParquetFormatException) { }
    }
}
