using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Parquet;

namespace Rhythmic.Lake.Tests.Parquet;

public sealed class MalformedFileTests
{
    private static byte[] SmallFile(ParquetCodec codec)
    {
        var schema = SampleTables.Schema(optional: true);
        var rows = SampleTables.Rows(schema, 60, "sparse", repetitive: true);
        var ms = new MemoryStream();
        using (var writer = new ParquetWriter(ms, schema, new ParquetWriterOptions { Codec = codec, PageRows = 25 }, leaveOpen: true))
        {
            var buffers = schema.CreateBuffers();
            foreach (var row in rows) for (var c = 0; c < buffers.Length; c++) buffers[c].AppendValue(row[c]);
            writer.WriteRowGroup(buffers);
        }
        return ms.ToArray();
    }

    /// <summary>Opens and reads every column; the only failure allowed is a ParquetFormatException.</summary>
    private static void ReadEverything(byte[] bytes)
    {
        using var reader = new ParquetReader(bytes);
        for (var g = 0; g < reader.RowGroupCount; g++) reader.ReadRowGroup(g);
    }

    [Theory]
    [InlineData(ParquetCodec.None)]
    [InlineData(ParquetCodec.Snappy)]
    public void Every_truncation_fails_with_a_clear_format_error(ParquetCodec codec)
    {
        var file = SmallFile(codec);
        for (var length = 0; length < file.Length; length++)
        {
            var e = Assert.Throws<ParquetFormatException>(() => ReadEverything(file[..length]));
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    [Fact]
    public void A_file_that_is_not_parquet_says_so()
    {
        var e = Assert.Throws<ParquetFormatException>(() => ReadEverything("{\"ts\": 1}\n{\"ts\": 2}\n"u8.ToArray()));
        Assert.Contains("PAR1", e.Message);
    }

    [Theory]
    [InlineData(ParquetCodec.None)]
    [InlineData(ParquetCodec.Snappy)]
    public void Every_single_byte_corruption_fails_cleanly_or_reads(ParquetCodec codec)
    {
        // Includes the case FsCheck found in CI: byte 443 of the uncompressed file set to 252 made a field id overflow.
        var file = SmallFile(codec);
        foreach (var value in new byte[] { 0x00, 0x01, 0x7F, 0x80, 0xFC, 0xFF })
            for (var at = 0; at < file.Length; at++)
            {
                var bytes = (byte[])file.Clone();
                bytes[at] = value;
                try { ReadEverything(bytes); }
                catch (ParquetFormatException) { }
                catch (Exception e) { Assert.Fail($"byte {at} set to {value}: {e}"); }
            }
    }

    [Fact]
    public void Corrupted_bytes_never_escape_as_anything_but_a_format_error()
    {
        var files = new[] { SmallFile(ParquetCodec.None), SmallFile(ParquetCodec.Snappy) };
        var gen = from which in Gen.Elements(0, 1)
                  from flips in Gen.ListOf(Gen.Zip(Gen.Choose(0, files[which].Length - 1), Gen.Choose(0, 255)))
                  select (which, flips.ToArray());
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var bytes = (byte[])files[t.which].Clone();
            foreach (var (at, value) in t.Item2) bytes[at] = (byte)value;
            try { ReadEverything(bytes); }
            catch (ParquetFormatException) { }
        }).QuickCheckThrowOnFailure();
    }
}
