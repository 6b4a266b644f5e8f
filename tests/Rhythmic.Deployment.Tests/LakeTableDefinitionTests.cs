using System.Text.RegularExpressions;
using Rhythmic.Core.Events;
using Rhythmic.Lake;
using Rhythmic.Parquet;

namespace Rhythmic.Deployment.Tests;

/// <summary>The Spark, Trino and Hive table definitions of docs/operations.md against the lake's Parquet schema.</summary>
public sealed partial class LakeTableDefinitionTests
{
    private static readonly string[] PartitionColumns = ["year", "month", "day", "hour"];

    private static readonly Dictionary<string, Dictionary<ParquetType, string>> TypeNames = new()
    {
        ["spark"] = new() { [ParquetType.Boolean] = "BOOLEAN", [ParquetType.Int32] = "INT", [ParquetType.Int64] = "BIGINT",
            [ParquetType.Double] = "DOUBLE", [ParquetType.String] = "STRING", [ParquetType.TimestampMillis] = "TIMESTAMP" },
        ["trino"] = new() { [ParquetType.Boolean] = "boolean", [ParquetType.Int32] = "integer", [ParquetType.Int64] = "bigint",
            [ParquetType.Double] = "double", [ParquetType.String] = "varchar", [ParquetType.TimestampMillis] = "timestamp(3)" },
        ["hive"] = new() { [ParquetType.Boolean] = "BOOLEAN", [ParquetType.Int32] = "INT", [ParquetType.Int64] = "BIGINT",
            [ParquetType.Double] = "DOUBLE", [ParquetType.String] = "STRING", [ParquetType.TimestampMillis] = "TIMESTAMP" },
    };

    [Fact]
    public void Every_topic_has_a_spark_a_trino_and_a_hive_definition()
    {
        var definitions = Definitions();
        foreach (var engine in TypeNames.Keys)
            Assert.Equal(Topics.All.Order(), definitions.Where(d => d.Engine == engine).Select(d => d.Topic).Order());
    }

    [Fact]
    public void Every_definition_has_the_lake_files_columns_and_types_in_order()
    {
        foreach (var d in Definitions())
        {
            var expected = EventTable.SchemaOf(d.Topic).Columns
                .Select(c => (Name: d.Engine == "trino" ? c.Name.ToLowerInvariant() : c.Name, Type: TypeNames[d.Engine][c.Type])).ToList();
            // Spark and Trino list the partition columns with the others; Hive declares them in PARTITIONED BY.
            if (d.Engine != "hive") expected.AddRange(PartitionColumns.Select(p => (p, d.Engine == "trino" ? "varchar" : "STRING")));
            Assert.Equal(expected, d.Columns);
            Assert.Contains($"raw/{d.Topic}'", d.Text);
        }
    }

    [Fact]
    public void Every_definition_is_partitioned_by_the_lake_directories()
    {
        foreach (var d in Definitions())
            Assert.Contains(d.Engine switch
            {
                "spark" => "PARTITIONED BY (year, month, day, hour)",
                "trino" => "partitioned_by = ARRAY['year', 'month', 'day', 'hour']",
                _ => "PARTITIONED BY (year STRING, month STRING, day STRING, hour STRING)",
            }, d.Text);
    }

    private sealed record Definition(string Engine, string Topic, IReadOnlyList<(string Name, string Type)> Columns, string Text);

    private static List<Definition> Definitions()
    {
        var doc = Repo.Read("docs/operations.md");
        var result = new List<Definition>();
        foreach (Match block in CreateTable().Matches(doc))
        {
            var text = block.Value;
            var engine = text.Contains("USING parquet", StringComparison.Ordinal) ? "spark"
                : text.Contains("format = 'PARQUET'", StringComparison.Ordinal) ? "trino"
                : text.Contains("STORED AS PARQUET", StringComparison.Ordinal) ? "hive" : "unknown";
            var columns = block.Groups["columns"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.TrimEnd(',').Split(' ', 2)).Select(p => (p[0].Trim('`', '"'), p[1])).ToList();
            result.Add(new Definition(engine, block.Groups["topic"].Value, columns, text));
        }
        Assert.DoesNotContain(result, d => d.Engine == "unknown");
        return result;
    }

    [GeneratedRegex(@"CREATE (?:EXTERNAL )?TABLE (?:IF NOT EXISTS )?(?:hive\.)?rhythmic\.(?<topic>\w+) \(\n(?<columns>(?:  .+\n)+)\)\n(?:.+\n)+?(?=\n|```)")]
    private static partial Regex CreateTable();
}
