namespace Rhythmic.Parquet;

/// <summary>The column types Rhythmic reads and writes (physical type plus logical annotation).</summary>
public enum ParquetType
{
    /// <summary>BOOLEAN.</summary>
    Boolean,
    /// <summary>INT32.</summary>
    Int32,
    /// <summary>INT64.</summary>
    Int64,
    /// <summary>FLOAT, held as double in memory.</summary>
    Float,
    /// <summary>DOUBLE.</summary>
    Double,
    /// <summary>BYTE_ARRAY annotated STRING (UTF-8).</summary>
    String,
    /// <summary>BYTE_ARRAY without annotation.</summary>
    Binary,
    /// <summary>INT64 TIMESTAMP(MILLIS, UTC): epoch milliseconds.</summary>
    TimestampMillis,
    /// <summary>INT64 TIMESTAMP(MICROS): read only (DuckDB's default timestamp).</summary>
    TimestampMicros,
    /// <summary>INT64 TIMESTAMP(NANOS): read only.</summary>
    TimestampNanos,
}

/// <summary>One flat column: a name, a type, and whether it may hold nulls (OPTIONAL) or not (REQUIRED).</summary>
public sealed record ParquetColumn(string Name, ParquetType Type, bool Optional = false)
{
    internal Storage Storage => Type switch
    {
        ParquetType.Boolean => Storage.Boolean,
        ParquetType.Int32 => Storage.Int32,
        ParquetType.Int64 or ParquetType.TimestampMillis or ParquetType.TimestampMicros or ParquetType.TimestampNanos => Storage.Int64,
        ParquetType.Float or ParquetType.Double => Storage.Double,
        _ => Storage.Bytes,
    };
}

/// <summary>How a column's values are held in memory.</summary>
internal enum Storage { Boolean, Int32, Int64, Double, Bytes }

/// <summary>A flat schema: the columns of a file, in order.</summary>
public sealed class ParquetSchema
{
    private readonly Dictionary<string, int> _byName;

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<ParquetColumn> Columns { get; }

    /// <summary>A schema of <paramref name="columns"/> (names must be unique and non-empty).</summary>
    public ParquetSchema(IEnumerable<ParquetColumn> columns)
    {
        Columns = columns.ToArray();
        if (Columns.Count == 0) throw new ArgumentException("A Parquet schema needs at least one column.", nameof(columns));
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.IsNullOrEmpty(Columns[i].Name)) throw new ArgumentException($"Column {i} has no name.", nameof(columns));
            if (!_byName.TryAdd(Columns[i].Name, i)) throw new ArgumentException($"Column '{Columns[i].Name}' appears twice.", nameof(columns));
        }
    }

    /// <summary>The position of column <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _byName.GetValueOrDefault(name, -1);

    /// <summary>The position of column <paramref name="name"/>; throws when absent.</summary>
    public int Require(string name) => _byName.TryGetValue(name, out var i) ? i
        : throw new ArgumentException($"Column '{name}' is not in the schema (columns: {string.Join(", ", Columns.Select(c => c.Name))}).");

    /// <summary>One empty buffer per column, for building a row group.</summary>
    public ColumnBuffer[] CreateBuffers(int capacity = 1024) => Columns.Select(c => new ColumnBuffer(c, capacity)).ToArray();
}
