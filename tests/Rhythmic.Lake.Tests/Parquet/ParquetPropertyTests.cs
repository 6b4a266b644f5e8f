using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Parquet;

namespace Rhythmic.Lake.Tests.Parquet;

public sealed class ParquetPropertyTests
{
    private static readonly ParquetType[] Types =
        [ParquetType.Boolean, ParquetType.Int32, ParquetType.Int64, ParquetType.Double, ParquetType.String, ParquetType.TimestampMillis, ParquetType.Binary, ParquetType.Float];

    private static Gen<object?> ValueOf(ParquetType type, bool fewDistinct) => type switch
    {
        ParquetType.Boolean => ArbMap.Default.GeneratorFor<bool>().Select(v => (object?)v),
        ParquetType.Int32 => (fewDistinct ? Gen.Choose(-3, 3) : ArbMap.Default.GeneratorFor<int>()).Select(v => (object?)v),
        ParquetType.Int64 or ParquetType.TimestampMillis => (fewDistinct ? Gen.Choose(0, 5).Select(v => (long)v) : ArbMap.Default.GeneratorFor<long>()).Select(v => (object?)v),
        ParquetType.Double => (fewDistinct ? Gen.Elements(0.5, -1.25, 3.0) : ArbMap.Default.GeneratorFor<double>()).Select(v => (object?)v),
        ParquetType.Float => ArbMap.Default.GeneratorFor<float>().Select(v => (object?)(double)v),
        ParquetType.String => (fewDistinct ? Gen.Elements("free", "paid", "Grüße", "") : ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Any(char.IsSurrogate)))
            .Select(v => (object?)v),
        _ => ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).Select(v => (object?)v),
    };

    private sealed record Case(ParquetColumn[] Columns, object?[][] Rows, ParquetCodec Codec, ValueEncoding Encoding, int PageRows, int GroupRows);

    private static readonly Gen<Case> Cases =
        from columnCount in Gen.Choose(1, 4)
        from specs in Gen.ArrayOf(from t in Gen.Elements(Types) from o in ArbMap.Default.GeneratorFor<bool>() from f in ArbMap.Default.GeneratorFor<bool>() select (t, o, f), columnCount)
        let columns = specs.Select((s, i) => new ParquetColumn($"c{i}", s.Item1, s.Item2)).ToArray()
        from rowCount in Gen.Choose(0, 300)
        from rows in Gen.ArrayOf(Gen.CollectToArray(columns.Select((c, i) =>
                c.Optional ? Gen.Frequency((1, Gen.Constant<object?>(null)), (3, ValueOf(c.Type, specs[i].Item3))) : ValueOf(c.Type, specs[i].Item3)))
            , rowCount)
        from codec in Gen.Elements(ParquetCodec.None, ParquetCodec.Snappy)
        from encoding in Gen.Elements(ValueEncoding.Auto, ValueEncoding.Plain, ValueEncoding.Dictionary)
        from pageRows in Gen.Choose(1, 100)
        from groupRows in Gen.Choose(1, 200)
        select new Case(columns, rows, codec, encoding, pageRows, groupRows);

    [Fact]
    public void Random_rows_round_trip_through_writer_and_reader_and_read_the_same_in_Parquet_Net()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var schema = new ParquetSchema(c.Columns);
            var ms = new MemoryStream();
            using (var writer = new ParquetWriter(ms, schema, new ParquetWriterOptions { Codec = c.Codec, Encoding = c.Encoding, PageRows = c.PageRows }, leaveOpen: true))
            {
                var buffers = schema.CreateBuffers(1);
                for (var start = 0; start < c.Rows.Length; start += c.GroupRows)
                {
                    foreach (var b in buffers) b.Clear();
                    foreach (var row in c.Rows.Skip(start).Take(c.GroupRows))
                        for (var k = 0; k < buffers.Length; k++) buffers[k].AppendValue(row[k]);
                    writer.WriteRowGroup(buffers);
                }
            }
            using var reader = new ParquetReader(ms.ToArray());
            var actual = new List<object?[]>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var cols = reader.ReadRowGroup(g);
                for (var r = 0; r < cols[0].Count; r++) actual.Add(cols.Select(x => x.GetValue(r)).ToArray());
            }
            SampleTables.AssertSame(c.Rows, actual);
            ParquetNetReader.AssertReads(ms.ToArray(), schema, c.Rows);
        }).QuickCheckThrowOnFailure();
    }
}
