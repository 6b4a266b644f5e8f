namespace Rhythmic.Parquet;

/// <summary>
/// A column chunk's statistics: null count and min/max decoded to the column's in-memory type (long, int, double,
/// bool, string, byte[]); null when the writer did not record them.
/// </summary>
public sealed record ColumnStatistics(long? NullCount, object? Min, object? Max);

/// <summary>One row group as the footer describes it.</summary>
public sealed record RowGroupInfo(int Index, long RowCount, IReadOnlyList<ColumnStatistics> Statistics);
