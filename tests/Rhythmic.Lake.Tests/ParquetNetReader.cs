using Rhythmic.Parquet;
using DataField = Parquet.Schema.DataField;
using NetReader = Parquet.ParquetReader;
using NetRowGroupReader = Parquet.ParquetRowGroupReader;

namespace Rhythmic.Lake.Tests;

/// <summary>
/// Parquet.Net (a second, independent implementation beside DuckDB) reads a whole file: every column of every row
/// group, as rows of boxed values in the shapes our own reader's <see cref="ColumnBuffer.GetValue"/> gives
/// (timestamps as epoch milliseconds, floats widened to double), so the two compare value for value.
/// </summary>
internal static class ParquetNetReader
{
    /// <summary>A file as Parquet.Net sees it: its columns (name, CLR type, nullable) and its rows.</summary>
    public sealed record Table(IReadOnlyList<DataField> Fields, IReadOnlyList<long> RowGroupRows, List<object?[]> Rows);

    /// <summary>Reads every value of <paramref name="path"/> with Parquet.Net.</summary>
    public static async Task<Table> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return await ReadAsync(stream);
    }

    /// <summary>Reads every value of the file in <paramref name="stream"/> (readable and seekable) with Parquet.Net.</summary>
    public static async Task<Table> ReadAsync(Stream stream)
    {
        await using var reader = await NetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        var rows = new List<object?[]>();
        var groupRows = new List<long>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            groupRows.Add(count);
            var columns = new object?[fields.Length][];
            for (var c = 0; c < fields.Length; c++) columns[c] = await ReadColumnAsync(group, fields[c], count);
            for (var r = 0; r < count; r++) rows.Add(columns.Select(col => col[r]).ToArray());
        }
        return new Table(fields, groupRows, rows);
    }

    private static async Task<object?[]> ReadColumnAsync(NetRowGroupReader group, DataField field, int count)
    {
        var type = field.ClrType;
        // Parquet.Net 6 types text as ReadOnlyMemory<char> and bytes as ReadOnlyMemory<byte>; its string[]/byte[][] overloads materialise them.
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory());
            return values;
        }
        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>))
        {
            var values = new byte[]?[count];
            await group.ReadAsync(field, values.AsMemory());
            return values;
        }
        if (type == typeof(bool)) return await ReadStructAsync<bool>(group, field, count, v => v);
        if (type == typeof(int)) return await ReadStructAsync<int>(group, field, count, v => v);
        if (type == typeof(long)) return await ReadStructAsync<long>(group, field, count, v => v);
        if (type == typeof(double)) return await ReadStructAsync<double>(group, field, count, v => v);
        if (type == typeof(float)) return await ReadStructAsync<float>(group, field, count, v => (double)v);
        if (type == typeof(DateTime)) return await ReadStructAsync<DateTime>(group, field, count, v => EpochMillis(v));
        throw new NotSupportedException($"Parquet.Net gives column '{field.Name}' as {type}, which this check does not compare.");
    }

    private static async Task<object?[]> ReadStructAsync<T>(NetRowGroupReader group, DataField field, int count, Func<T, object> box)
        where T : struct
    {
        var result = new object?[count];
        if (field.IsNullable)
        {
            var values = new T?[count];
            await group.ReadAsync(field, values.AsMemory());
            for (var i = 0; i < count; i++) result[i] = values[i] is { } v ? box(v) : null;
        }
        else
        {
            var values = new T[count];
            await group.ReadAsync(field, values.AsMemory());
            for (var i = 0; i < count; i++) result[i] = box(values[i]);
        }
        return result;
    }

    /// <summary>Epoch milliseconds of a timestamp Parquet.Net read; a time that is not UTC is a disagreement, not a value.</summary>
    private static long EpochMillis(DateTime value)
    {
        if (value.Kind != DateTimeKind.Utc)
            throw new InvalidOperationException($"Parquet.Net read {value:O} as {value.Kind} time, but our timestamps are marked adjusted to UTC.");
        var ticks = value.Ticks - DateTime.UnixEpoch.Ticks;
        if (ticks % TimeSpan.TicksPerMillisecond != 0)
            throw new InvalidOperationException($"Parquet.Net read {value:O}, finer than the milliseconds we write.");
        return ticks / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>Asserts Parquet.Net reads <paramref name="path"/> as exactly <paramref name="expected"/>, with the columns of <paramref name="schema"/>.</summary>
    public static async Task AssertReadsAsync(string path, ParquetSchema schema, IReadOnlyList<object?[]> expected)
    {
        await using var stream = File.OpenRead(path);
        await AssertReadsAsync(stream, schema, expected);
    }

    /// <summary>Asserts Parquet.Net reads the file in <paramref name="stream"/> as exactly <paramref name="expected"/>.</summary>
    public static async Task AssertReadsAsync(Stream stream, ParquetSchema schema, IReadOnlyList<object?[]> expected)
    {
        var table = await ReadAsync(stream);
        Assert.Equal(schema.Columns.Select(c => c.Name), table.Fields.Select(f => f.Name));
        for (var c = 0; c < schema.Columns.Count; c++)
        {
            var column = schema.Columns[c];
            Assert.True(column.Optional == table.Fields[c].IsNullable, $"column '{column.Name}': ours is {(column.Optional ? "optional" : "required")}, Parquet.Net says nullable={table.Fields[c].IsNullable}");
            Assert.Equal(ClrTypeOf(column.Type), table.Fields[c].ClrType);
        }
        Assert.Equal(expected.Count, table.Rows.Count);
        Parquet.SampleTables.AssertSame(expected, table.Rows);
    }

    /// <summary>Asserts Parquet.Net and our reader read <paramref name="path"/> the same, value for value.</summary>
    public static async Task AssertAgreesWithOursAsync(string path)
    {
        using var ours = Rhythmic.Parquet.ParquetReader.Open(path);
        await AssertReadsAsync(path, ours.Schema, Parquet.SampleTables.ReadAll(path));
    }

    /// <summary>Parquet.Net's reading of one column chunk's statistics: null count, min and max in our value shapes.</summary>
    public static async Task<(long? Nulls, object? Min, object? Max)> StatisticsAsync(string path, int rowGroup, string column)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await NetReader.CreateAsync(stream);
        var field = reader.Schema.GetDataFields().Single(f => f.Name == column);
        var stats = reader.OpenRowGroupReader(rowGroup).GetStatistics(field)
            ?? throw new InvalidOperationException($"Parquet.Net finds no statistics for '{column}' in row group {rowGroup}.");
        return (stats.NullCount, Shape(stats.MinValue), Shape(stats.MaxValue));
    }

    private static object? Shape(object? value) => value switch
    {
        DateTime t => EpochMillis(t),
        ReadOnlyMemory<char> m => m.ToString(),
        ReadOnlyMemory<byte> m => m.ToArray(),
        float f => (double)f,
        _ => value,
    };

    /// <summary>
    /// The same check from synchronous code (FsCheck properties): run on the thread pool, so blocking on it cannot
    /// wait on xunit's synchronisation context.
    /// </summary>
    public static void AssertReads(byte[] file, ParquetSchema schema, IReadOnlyList<object?[]> expected)
        => Task.Run(() => AssertReadsAsync(new MemoryStream(file, writable: false), schema, expected)).GetAwaiter().GetResult();

    private static Type ClrTypeOf(ParquetType type) => type switch
    {
        ParquetType.Boolean => typeof(bool),
        ParquetType.Int32 => typeof(int),
        ParquetType.Int64 => typeof(long),
        ParquetType.Float => typeof(float),
        ParquetType.Double => typeof(double),
        ParquetType.String => typeof(ReadOnlyMemory<char>),
        ParquetType.Binary => typeof(ReadOnlyMemory<byte>),
        _ => typeof(DateTime),
    };
}
