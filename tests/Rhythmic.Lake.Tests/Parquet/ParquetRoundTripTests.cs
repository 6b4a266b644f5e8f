using Rhythmic.Parquet;

namespace Rhythmic.Lake.Tests.Parquet;

public sealed class ParquetRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rhythmic-parquet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, ParquetCodec, ValueEncoding, bool> Cases()
    {
        var data = new TheoryData<string, ParquetCodec, ValueEncoding, bool>();
        foreach (var pattern in SampleTables.NullPatterns)
            foreach (var codec in new[] { ParquetCodec.None, ParquetCodec.Snappy })
                foreach (var encoding in new[] { ValueEncoding.Plain, ValueEncoding.Dictionary, ValueEncoding.Auto })
                    foreach (var repetitive in new[] { false, true })
                        data.Add(pattern, codec, encoding, repetitive);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_type_encoding_codec_and_null_pattern_reads_back_as_written_by_us_and_by_Parquet_Net(string pattern, ParquetCodec codec, ValueEncoding encoding, bool repetitive)
    {
        var schema = SampleTables.Schema(optional: pattern != "none");
        var rows = SampleTables.Rows(schema, 1_000, pattern, repetitive);
        var path = Path.Combine(_dir, "t.parquet");
        SampleTables.Write(path, schema, rows, new ParquetWriterOptions { Codec = codec, Encoding = encoding, PageRows = 300 }, rowGroupRows: 400);
        SampleTables.AssertSame(rows, SampleTables.ReadAll(path));
        using var reader = ParquetReader.Open(path);
        Assert.Equal(3, reader.RowGroupCount);
        Assert.Equal(schema.Columns, reader.Schema.Columns);
        await ParquetNetReader.AssertReadsAsync(path, schema, rows);
        Assert.Equal([400L, 400L, 200L], (await ParquetNetReader.ReadAsync(path)).RowGroupRows);
    }

    [Fact]
    public async Task The_Parquet_Net_check_notices_a_value_or_a_null_that_differs()
    {
        var schema = SampleTables.Schema(optional: true);
        var rows = SampleTables.Rows(schema, 50, "sparse", repetitive: true);
        var path = Path.Combine(_dir, "n.parquet");
        SampleTables.Write(path, schema, rows, new ParquetWriterOptions(), 20);
        await ParquetNetReader.AssertReadsAsync(path, schema, rows);
        var changed = rows.Select(r => r.ToArray()).ToArray();
        changed[41][4] = "Björk!";
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => ParquetNetReader.AssertReadsAsync(path, schema, changed));
        changed = rows.Select(r => r.ToArray()).ToArray();
        changed[3][5] = 0L;   // row 3 is null in the sparse pattern
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => ParquetNetReader.AssertReadsAsync(path, schema, changed));
    }

    [Fact]
    public void Projection_reads_only_the_columns_asked_for_in_the_order_asked()
    {
        var schema = SampleTables.Schema(optional: true);
        var rows = SampleTables.Rows(schema, 100, "sparse", repetitive: false);
        var path = Path.Combine(_dir, "p.parquet");
        SampleTables.Write(path, schema, rows, new ParquetWriterOptions(), 100);
        var projected = SampleTables.ReadAll(path, ["ts", "s"]);
        SampleTables.AssertSame(rows.Select(r => new[] { r[5], r[4] }).ToList(), projected);
    }

    [Fact]
    public async Task Statistics_record_min_max_and_nulls_and_let_readers_skip_row_groups()
    {
        var schema = new ParquetSchema([new("ts", ParquetType.TimestampMillis), new("city", ParquetType.String, Optional: true)]);
        var path = Path.Combine(_dir, "s.parquet");
        using (var writer = new ParquetWriter(File.Create(path), schema))
        {
            var buffers = schema.CreateBuffers();
            for (var g = 0; g < 4; g++)
            {
                foreach (var b in buffers) b.Clear();
                for (var i = 0; i < 100; i++)
                {
                    buffers[0].AppendInt64(g * 1_000 + i);
                    if (i % 10 == 0) buffers[1].AppendNull(); else buffers[1].AppendString($"city{g}{i % 10}");
                }
                writer.WriteRowGroup(buffers);
            }
        }
        using var reader = ParquetReader.Open(path);
        var stats = reader.GetRowGroup(2).Statistics;
        Assert.Equal(new ColumnStatistics(0, 2_000L, 2_099L), stats[0]);
        Assert.Equal(new ColumnStatistics(10, "city21", "city29"), stats[1]);
        Assert.Equal([1, 2], reader.RowGroupsOverlapping("ts", 1_050L, 2_010L));
        Assert.Equal([3], reader.RowGroupsOverlapping("city", "city35", null));
        Assert.Empty(reader.RowGroupsOverlapping("ts", 5_000L, null));
        // Parquet.Net decodes the same statistics from the footer.
        Assert.Equal((0L, (object)2_000L, (object)2_099L), await ParquetNetReader.StatisticsAsync(path, 2, "ts"));
        Assert.Equal((10L, (object)"city21", (object)"city29"), await ParquetNetReader.StatisticsAsync(path, 2, "city"));
    }

    [Fact]
    public async Task Special_doubles_and_extreme_integers_survive()
    {
        var schema = new ParquetSchema([new("d", ParquetType.Double), new("l", ParquetType.Int64), new("i", ParquetType.Int32)]);
        double[] doubles = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.Epsilon, double.MaxValue];
        var rows = doubles.Select((d, k) => new object?[] { d, k % 2 == 0 ? long.MinValue : long.MaxValue, k % 2 == 0 ? int.MinValue : int.MaxValue }).ToArray();
        foreach (var encoding in new[] { ValueEncoding.Plain, ValueEncoding.Dictionary })
        {
            var path = Path.Combine(_dir, $"x{encoding}.parquet");
            SampleTables.Write(path, schema, rows, new ParquetWriterOptions { Encoding = encoding }, 100);
            SampleTables.AssertSame(rows, SampleTables.ReadAll(path));
            await ParquetNetReader.AssertReadsAsync(path, schema, rows);
            using var reader = ParquetReader.Open(path);
            var s = reader.GetRowGroup(0).Statistics[0];
            Assert.Equal(double.NegativeInfinity, s.Min);
            Assert.Equal(double.PositiveInfinity, s.Max);
        }
    }

    [Fact]
    public async Task A_file_without_row_groups_is_valid_and_empty()
    {
        var path = Path.Combine(_dir, "empty.parquet");
        new ParquetWriter(File.Create(path), SampleTables.Schema(optional: true)).Dispose();
        await ParquetNetReader.AssertReadsAsync(path, SampleTables.Schema(optional: true), []);
        Assert.Empty((await ParquetNetReader.ReadAsync(path)).RowGroupRows);
        using var reader = ParquetReader.Open(path);
        Assert.Equal(0, reader.RowCount);
        Assert.Equal(0, reader.RowGroupCount);
    }

    [Fact]
    public void Mismatched_buffers_are_rejected_with_the_column_named()
    {
        var schema = new ParquetSchema([new("a", ParquetType.Int64), new("b", ParquetType.Int64)]);
        using var writer = new ParquetWriter(new MemoryStream(), schema);
        var buffers = schema.CreateBuffers();
        buffers[0].AppendInt64(1);
        var e = Assert.Throws<ArgumentException>(() => writer.WriteRowGroup(buffers));
        Assert.Contains("'b'", e.Message);
        Assert.Throws<InvalidOperationException>(() => buffers[0].AppendNull());
    }
}
