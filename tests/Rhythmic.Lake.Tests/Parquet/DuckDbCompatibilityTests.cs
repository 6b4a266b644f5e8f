using System.Globalization;
using System.Text.Json;
using Rhythmic.Parquet;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Parquet;

/// <summary>DuckDB as the independent reference: it reads what we write, and we read what it writes, value for value.</summary>
public sealed class DuckDbCompatibilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rhythmic-duck-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A select list that turns each column into JSON DuckDB renders losslessly.</summary>
    internal static string Projection(ParquetSchema schema) => string.Join(", ", schema.Columns.Select(c => c.Type switch
    {
        ParquetType.Int64 => $"{c.Name}::varchar as {c.Name}",
        ParquetType.TimestampMillis => $"epoch_ms({c.Name})::varchar as {c.Name}",
        ParquetType.Binary => $"hex({c.Name}) as {c.Name}",
        ParquetType.Double or ParquetType.Float => $"{c.Name}::double as {c.Name}",
        _ => c.Name,
    }));

    /// <summary>A value of <see cref="Projection"/>'s JSON in the shape our reader gives it.</summary>
    internal static object? FromJson(JsonElement e, ParquetType type)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        return type switch
        {
            ParquetType.Boolean => e.GetBoolean(),
            ParquetType.Int32 => e.GetInt32(),
            ParquetType.Int64 or ParquetType.TimestampMillis => long.Parse(e.GetString()!, CultureInfo.InvariantCulture),
            ParquetType.Double or ParquetType.Float => e.GetDouble(),
            ParquetType.Binary => Convert.FromHexString(e.GetString()!),
            _ => e.GetString(),
        };
    }

    public static TheoryData<string, ParquetCodec, ValueEncoding> Cases()
    {
        var data = new TheoryData<string, ParquetCodec, ValueEncoding>();
        foreach (var pattern in SampleTables.NullPatterns)
            foreach (var codec in new[] { ParquetCodec.None, ParquetCodec.Snappy })
                foreach (var encoding in new[] { ValueEncoding.Plain, ValueEncoding.Dictionary })
                    data.Add(pattern, codec, encoding);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DuckDB_reads_every_value_we_write(string pattern, ParquetCodec codec, ValueEncoding encoding)
    {
        var schema = SampleTables.Schema(optional: pattern != "none");
        var rows = SampleTables.Rows(schema, 700, pattern, repetitive: encoding == ValueEncoding.Dictionary);
        var path = Path.Combine(_dir, $"ours-{pattern}-{codec}-{encoding}.parquet");
        SampleTables.Write(path, schema, rows, new ParquetWriterOptions { Codec = codec, Encoding = encoding, PageRows = 200 }, rowGroupRows: 300);

        var (result, _) = await DuckDb.QueryAsync($"select {Projection(schema)} from read_parquet('{path}') order by file_row_number");
        var actual = result.Select(r => schema.Columns.Select(c => FromJson(r.GetProperty(c.Name), c.Type)).ToArray()).ToList();
        SampleTables.AssertSame(rows, actual);
        await ParquetNetReader.AssertReadsAsync(path, schema, rows);
    }

    [Fact]
    public async Task DuckDB_sees_our_logical_types_and_statistics()
    {
        var schema = SampleTables.Schema(optional: true);
        var path = Path.Combine(_dir, "types.parquet");
        SampleTables.Write(path, schema, SampleTables.Rows(schema, 50, "sparse", false), new ParquetWriterOptions(), 50);
        var (types, _) = await DuckDb.QueryAsync($"select column_name, column_type from (describe select * from read_parquet('{path}'))");
        var byName = types.ToDictionary(r => r.GetProperty("column_name").GetString()!, r => r.GetProperty("column_type").GetString()!);
        Assert.Equal("BOOLEAN", byName["b"]);
        Assert.Equal("INTEGER", byName["i32"]);
        Assert.Equal("BIGINT", byName["i64"]);
        Assert.Equal("DOUBLE", byName["f64"]);
        Assert.Equal("FLOAT", byName["f32"]);
        Assert.Equal("VARCHAR", byName["s"]);
        Assert.Equal("BLOB", byName["bin"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", byName["ts"]);

        var (stats, _) = await DuckDb.QueryAsync(
            $"select path_in_schema as c, stats_min_value as lo, stats_max_value as hi, stats_null_count::int as n from parquet_metadata('{path}') where path_in_schema in ('i32', 's')");
        var i32 = stats.Single(r => r.GetProperty("c").GetString() == "i32");
        Assert.Equal(7, i32.GetProperty("n").GetInt32());
        Assert.Equal("-100000", i32.GetProperty("lo").GetString());
        Assert.Equal((49 * 7919 - 100_000).ToString(CultureInfo.InvariantCulture), i32.GetProperty("hi").GetString());
    }

    public static TheoryData<string, int> DuckCases() => new()
    {
        { "snappy", 1_000 }, { "uncompressed", 333 }, { "snappy", 122_880 },
    };

    [Theory]
    [MemberData(nameof(DuckCases))]
    public async Task We_read_every_value_DuckDB_writes(string compression, int rowGroupSize)
    {
        var path = Path.Combine(_dir, $"duck-{compression}-{rowGroupSize}.parquet");
        const string select = """
            select i::int as i32, (i * 1000003)::bigint as i64, case when i % 5 = 0 then null else (i * 0.25)::double end as f64,
                   (i % 3 = 0) as b, case when i % 7 = 3 then null else 'city ' || (i % 11) end as s,
                   'unique-' || i || '-é' as u, case when i % 2 = 0 then null else i::bigint end as sparse64,
                   make_timestamp(1700000000000000 + i * 1000) as ts_us, (i % 4)::float as f32
            from range(0, 3000) t(i)
            """;
        await DuckDb.QueryAsync($"copy ({select}) to '{path}' (format parquet, compression {compression}, row_group_size {rowGroupSize})", "select 1");

        using var reader = ParquetReader.Open(path);
        Assert.Equal(3000, reader.RowCount);
        Assert.Equal(ParquetType.TimestampMicros, reader.Schema.Columns[reader.Schema.Require("ts_us")].Type);
        var ours = SampleTables.ReadAll(path);
        for (var i = 0; i < 3000; i++)
        {
            var r = ours[i];
            Assert.Equal(i, r[0]);
            Assert.Equal(i * 1_000_003L, r[1]);
            Assert.Equal(i % 5 == 0 ? null : i * 0.25, r[2]);
            Assert.Equal(i % 3 == 0, r[3]);
            Assert.Equal(i % 7 == 3 ? null : $"city {i % 11}", r[4]);
            Assert.Equal($"unique-{i}-é", r[5]);
            Assert.Equal(i % 2 == 0 ? null : (long)i, r[6]);
            Assert.Equal(1_700_000_000_000_000L + i * 1000L, r[7]);
            Assert.Equal((double)(i % 4), r[8]);
        }
    }
}
