using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Parquet;
using Rhythmic.Parquet.Encodings;
using Rhythmic.Parquet.Thrift;

namespace Rhythmic.Lake.Tests.Parquet;

/// <summary>The RLE / bit-packed hybrid decoder's fast paths (unaligned bit unpacking, null flags) against the encoder.</summary>
public sealed class RleHybridTests
{
    private static readonly Gen<(int Width, int[] Values)> Runs =
        from width in Gen.Choose(1, 32)
        from count in Gen.Choose(0, 3000)
        from values in Gen.ArrayOf(
            Gen.OneOf(
                ArbMap.Default.GeneratorFor<uint>().Select(v => (int)(width == 32 ? v : v & ((1u << width) - 1))),
                Gen.Constant(width == 32 ? -1 : (int)((1u << width) - 1)),
                Gen.Constant(0)),
            count)
        select (width, values);

    private static byte[] Encode(int[] values, int width)
    {
        var output = new ByteBuffer(16);
        RleHybrid.Encode(values, width, output);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void Decodes_every_bit_width_as_encoded()
    {
        Prop.ForAll(Runs.ToArbitrary(), run =>
        {
            var encoded = Encode(run.Values, run.Width);
            var decoded = new int[run.Values.Length];
            var max = run.Width == 32 ? -1 : (int)((1u << run.Width) - 1);
            RleHybrid.Decode(encoded, run.Width, decoded, max, "test");
            Assert.Equal(run.Values, decoded);
            if (run.Values.Length > 0 && run.Width < 32 && run.Values.Max() > 0)
            {
                var below = run.Values.Max() - 1;
                Assert.Throws<ParquetFormatException>(() => RleHybrid.Decode(encoded, run.Width, new int[run.Values.Length], below, "test"));
            }
            for (var cut = 0; cut < encoded.Length; cut += Math.Max(1, encoded.Length / 7))
            {
                try { RleHybrid.Decode(encoded.AsSpan(0, cut), run.Width, new int[run.Values.Length], max, "test"); }
                catch (ParquetFormatException) { }
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Definition_levels_become_null_flags_and_a_defined_count()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Constant(1)))).ToArbitrary(), levels =>
        {
            var encoded = Encode(levels, 1);
            var nulls = new bool[levels.Length];
            Assert.Equal(levels.Sum(), RleHybrid.DecodeNullFlags(encoded, nulls, "test"));
            Assert.Equal(levels.Select(l => l == 0).ToArray(), nulls);
        }).QuickCheckThrowOnFailure();
    }
}
