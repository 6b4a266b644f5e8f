using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Parquet;

namespace Rhythmic.Lake.Tests.Parquet;

/// <summary>
/// Dictionary-encoded strings are read as the dictionary once plus an index per row; every public member of the
/// buffer must answer exactly as for the same strings read from PLAIN pages.
/// </summary>
public sealed class DictionaryStringTests
{
    private sealed record Case(string?[] Values, bool Optional, ParquetCodec Codec, int PageRows, int GroupRows);

    private static readonly Gen<Case> Cases =
        from optional in ArbMap.Default.GeneratorFor<bool>()
        from few in ArbMap.Default.GeneratorFor<bool>()
        from count in Gen.Choose(0, 400)
        from values in Gen.ArrayOf(
            optional
                ? Gen.Frequency((1, Gen.Constant<string?>(null)), (3, Text(few)))
                : Text(few),
            count)
        from codec in Gen.Elements(ParquetCodec.None, ParquetCodec.Snappy)
        from pageRows in Gen.Choose(1, 120)
        from groupRows in Gen.Choose(1, 250)
        select new Case(values, optional, codec, pageRows, groupRows);

    private static Gen<string?> Text(bool few) =>
        (few ? Gen.Elements("free", "paid", "Grüße", "", "東京事変") : ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Any(char.IsSurrogate)))
        .Select(s => (string?)s);

    private static byte[] Write(Case c, ValueEncoding encoding)
    {
        var schema = new ParquetSchema([new ParquetColumn("s", ParquetType.String, c.Optional)]);
        var ms = new MemoryStream();
        using (var writer = new ParquetWriter(ms, schema, new ParquetWriterOptions { Codec = c.Codec, Encoding = encoding, PageRows = c.PageRows }, leaveOpen: true))
        {
            var buffer = schema.CreateBuffers(1)[0];
            for (var start = 0; start < c.Values.Length; start += c.GroupRows)
            {
                buffer.Clear();
                foreach (var v in c.Values.Skip(start).Take(c.GroupRows)) buffer.AppendString(v);
                writer.WriteRowGroup([buffer]);
            }
        }
        return ms.ToArray();
    }

    private static void AssertSameRows(ColumnBuffer expected, ColumnBuffer actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.NullCount, actual.NullCount);
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected.IsNull(r), actual.IsNull(r));
            Assert.True(expected.GetBytes(r).SequenceEqual(actual.GetBytes(r)), $"row {r}");
            Assert.Equal(expected.GetString(r), actual.GetString(r));
            Assert.Equal(expected.GetValue(r), actual.GetValue(r));
        }
    }

    [Fact]
    public void Dictionary_strings_read_equal_to_plain_strings_through_a_reused_buffer()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var dictionaryFile = Write(c, ValueEncoding.Dictionary);
            var plainFile = Write(c, ValueEncoding.Plain);
            using var dictionary = new ParquetReader(dictionaryFile);
            using var plain = new ParquetReader(plainFile);
            // Parquet.Net, a second reader, sees the same strings (empty ones and nulls apart) in both encodings.
            var expectedRows = c.Values.Select(v => new object?[] { v }).ToList();
            ParquetNetReader.AssertReads(dictionaryFile, dictionary.Schema, expectedRows);
            ParquetNetReader.AssertReads(plainFile, plain.Schema, expectedRows);
            ColumnBuffer? reused = null;
            var row = 0;
            for (var g = 0; g < plain.RowGroupCount; g++)
            {
                var expected = plain.ReadColumn(g, 0);
                // One buffer alternates between dictionary and plain chunks, as readers that reuse buffers do.
                reused = dictionary.ReadColumn(g, 0, reused);
                AssertSameRows(expected, reused);
                for (var r = 0; r < expected.Count; r++) Assert.Equal(c.Values[row + r], reused.GetString(r));
                row += expected.Count;
                reused = plain.ReadColumn(g, 0, reused);
                AssertSameRows(expected, reused);
            }
            Assert.Equal(c.Values.Length, row);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_dictionary_backed_buffer_can_be_appended_to_and_written_again()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            using var reader = new ParquetReader(Write(c, ValueEncoding.Dictionary));
            var schema = reader.Schema;
            var ms = new MemoryStream();
            var expected = new List<string?>();
            using (var writer = new ParquetWriter(ms, schema, new ParquetWriterOptions(), leaveOpen: true))
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    var buffer = reader.ReadColumn(g, 0);
                    for (var r = 0; r < buffer.Count; r++) expected.Add(buffer.GetString(r));
                    buffer.AppendString("appended é");
                    expected.Add("appended é");
                    if (c.Optional) { buffer.AppendNull(); expected.Add(null); }
                    writer.WriteRowGroup([buffer]);
                }
            var actual = ReadStrings(ms.ToArray());
            Assert.Equal(expected, actual);
        }).QuickCheckThrowOnFailure();
    }

    private static List<string?> ReadStrings(byte[] file)
    {
        using var reader = new ParquetReader(file);
        var values = new List<string?>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var b = reader.ReadColumn(g, 0);
            for (var r = 0; r < b.Count; r++) values.Add(b.GetString(r));
        }
        return values;
    }
}
