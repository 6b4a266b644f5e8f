using Rhythmic.Parquet;

namespace Rhythmic.Lake.Tests.Parquet;

/// <summary>Small tables of every supported type and null pattern, as rows of boxed values.</summary>
internal static class SampleTables
{
    public static readonly string[] NullPatterns = ["none", "all", "alternate", "sparse", "runs"];

    public static bool IsNull(string pattern, int row) => pattern switch
    {
        "none" => false,
        "all" => true,
        "alternate" => row % 2 == 1,
        "sparse" => row % 7 == 3,
        _ => row / 20 % 2 == 1,   // runs of 20
    };

    /// <summary>One column per type, each optional with <paramref name="pattern"/> (plus required twins).</summary>
    public static ParquetSchema Schema(bool optional) => new(
    [
        new("b", ParquetType.Boolean, optional), new("i32", ParquetType.Int32, optional), new("i64", ParquetType.Int64, optional),
        new("f64", ParquetType.Double, optional), new("s", ParquetType.String, optional), new("ts", ParquetType.TimestampMillis, optional),
        new("f32", ParquetType.Float, optional), new("bin", ParquetType.Binary, optional),
    ]);

    private static readonly string[] Words = ["Kings Of Leon", "Coldplay", "Björk", "Sigur Rós", "", "東京事変", "Florence + The Machine", "Dwight Yoakam"];

    public static object? Value(ParquetType type, int row, bool repetitive) => type switch
    {
        ParquetType.Boolean => row % 3 == 0,
        ParquetType.Int32 => repetitive ? row % 5 * 100 - 200 : row * 7919 - 100_000,
        ParquetType.Int64 => repetitive ? 1_000_000_000_000L + row % 4 : (long)row * 104_729L * 1_000_003L - (1L << 40),
        ParquetType.Double => repetitive ? row % 3 * 0.5 - 1 : row * 1.000123 - 333.25,
        ParquetType.Float => repetitive ? (double)(row % 3 * 0.25f) : (double)(row * 1.5f - 7.25f),
        ParquetType.String => repetitive ? Words[row % Words.Length] : Words[row % Words.Length] + "#" + row,
        ParquetType.TimestampMillis => 1_700_000_000_000L + (repetitive ? row % 6 * 60_000L : row * 1_234L),
        ParquetType.Binary => new byte[] { (byte)row, (byte)(row >> 8), 0, 255 }.Take(repetitive ? 2 : 4).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Rows × columns of values under a null pattern.</summary>
    public static object?[][] Rows(ParquetSchema schema, int count, string pattern, bool repetitive)
        => Enumerable.Range(0, count).Select(r => schema.Columns
            .Select(c => c.Optional && IsNull(pattern, r) ? null : Value(c.Type, r, repetitive)).ToArray()).ToArray();

    /// <summary>Writes <paramref name="rows"/> to a file in row groups of <paramref name="rowGroupRows"/>.</summary>
    public static void Write(string path, ParquetSchema schema, object?[][] rows, ParquetWriterOptions options, int rowGroupRows)
    {
        using var writer = new ParquetWriter(File.Create(path), schema, options);
        var buffers = schema.CreateBuffers();
        for (var start = 0; start < rows.Length; start += rowGroupRows)
        {
            foreach (var b in buffers) b.Clear();
            foreach (var row in rows.Skip(start).Take(rowGroupRows))
                for (var c = 0; c < buffers.Length; c++) buffers[c].AppendValue(row[c]);
            writer.WriteRowGroup(buffers);
        }
    }

    /// <summary>Every row of a file, in order, as boxed values.</summary>
    public static List<object?[]> ReadAll(string path, IReadOnlyList<string>? columns = null)
    {
        using var reader = ParquetReader.Open(path);
        var rows = new List<object?[]>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var cols = reader.ReadRowGroup(g, columns);
            for (var r = 0; r < (cols.Length == 0 ? 0 : cols[0].Count); r++) rows.Add(cols.Select(c => c.GetValue(r)).ToArray());
        }
        return rows;
    }

    /// <summary>Asserts two tables hold the same values (bytes compared by content).</summary>
    public static void AssertSame(IReadOnlyList<object?[]> expected, IReadOnlyList<object?[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (var c = 0; c < expected[r].Length; c++)
            {
                var e = expected[r][c];
                var a = actual[r][c];
                if (e is byte[] eb) Assert.Equal(eb, Assert.IsType<byte[]>(a));
                else if (e is double ed && a is double ad) Assert.Equal(BitConverter.DoubleToInt64Bits(ed), BitConverter.DoubleToInt64Bits(ad));
                else Assert.Equal(e, a);
            }
        }
    }
}
