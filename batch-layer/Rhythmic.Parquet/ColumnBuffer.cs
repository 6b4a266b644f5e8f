using System.Runtime.CompilerServices;
using System.Text;

namespace Rhythmic.Parquet;

/// <summary>
/// The values of one column for a run of rows, held columnar: one typed array (strings as one UTF-8 byte area plus
/// offsets) and, for optional columns, a null flag per row. Writers append to it; readers fill it. A null row keeps a
/// default slot in the value array so row i is always at index i.
/// </summary>
public sealed class ColumnBuffer
{
    private readonly Storage _storage;
    internal bool[]? NullFlags;
    internal long[] Longs = [];
    internal int[] Ints = [];
    internal double[] Doubles = [];
    internal bool[] Bools = [];
    internal byte[] Bytes = [];
    internal int[] Offsets = [0];
    internal int ByteLength;
    // Dictionary-backed strings (set by the reader): Bytes and Offsets then hold distinct entries, EntryCount of them,
    // and row i's bytes are entry Indices[i], so a dictionary page's bytes are kept once instead of copied per row.
    internal bool Indexed;
    internal int[] Indices = [];
    internal int EntryCount;

    /// <summary>The column these values belong to.</summary>
    public ParquetColumn Column { get; }

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>Rows that are null.</summary>
    public int NullCount { get; private set; }

    /// <summary>An empty buffer for <paramref name="column"/>.</summary>
    public ColumnBuffer(ParquetColumn column, int capacity = 1024)
    {
        Column = column;
        _storage = column.Storage;
        Reserve(Math.Max(1, capacity));
    }

    /// <summary>Forgets every row, keeping the arrays for reuse.</summary>
    public void Clear() { Count = 0; NullCount = 0; ByteLength = 0; Indexed = false; EntryCount = 0; }

    /// <summary>True when row <paramref name="row"/> is null.</summary>
    public bool IsNull(int row) => NullFlags is not null && NullFlags[CheckRow(row)];

    /// <summary>The 64-bit values (Int64 and timestamps), one per row.</summary>
    public ReadOnlySpan<long> Int64Values => Longs.AsSpan(0, Count);
    /// <summary>The 32-bit values, one per row.</summary>
    public ReadOnlySpan<int> Int32Values => Ints.AsSpan(0, Count);
    /// <summary>The floating-point values, one per row.</summary>
    public ReadOnlySpan<double> DoubleValues => Doubles.AsSpan(0, Count);
    /// <summary>The boolean values, one per row.</summary>
    public ReadOnlySpan<bool> BooleanValues => Bools.AsSpan(0, Count);

    public long GetInt64(int row) => Longs[CheckRow(row)];
    public int GetInt32(int row) => Ints[CheckRow(row)];
    public double GetDouble(int row) => Doubles[CheckRow(row)];
    public bool GetBoolean(int row) => Bools[CheckRow(row)];
    /// <summary>The bytes of row <paramref name="row"/> (String or Binary columns); empty when null.</summary>
    public ReadOnlySpan<byte> GetBytes(int row)
    {
        var e = Indexed ? Indices[CheckRow(row)] : CheckRow(row);
        return Bytes.AsSpan(Offsets[e], Offsets[e + 1] - Offsets[e]);
    }
    /// <summary>The text of row <paramref name="row"/>, or null.</summary>
    public string? GetString(int row) => IsNull(row) ? null : Encoding.UTF8.GetString(GetBytes(row));

    /// <summary>Row <paramref name="row"/> as a boxed value (long, int, double, bool, string, byte[]) or null: for tests and tools, not hot paths.</summary>
    public object? GetValue(int row)
    {
        if (IsNull(row)) return null;
        return _storage switch
        {
            Storage.Boolean => Bools[row],
            Storage.Int32 => Ints[row],
            Storage.Int64 => Longs[row],
            Storage.Double => Doubles[row],
            _ => Column.Type == ParquetType.String ? GetString(row) : GetBytes(row).ToArray(),
        };
    }

    public void AppendInt64(long value) { Expect(Storage.Int64); var i = NextRow(); Longs[i] = value; }
    public void AppendInt32(int value) { Expect(Storage.Int32); var i = NextRow(); Ints[i] = value; }
    public void AppendDouble(double value) { Expect(Storage.Double); var i = NextRow(); Doubles[i] = value; }
    public void AppendBoolean(bool value) { Expect(Storage.Boolean); var i = NextRow(); Bools[i] = value; }

    /// <summary>Appends UTF-8 (String) or raw (Binary) bytes.</summary>
    public void AppendBytes(ReadOnlySpan<byte> value)
    {
        Expect(Storage.Bytes);
        Materialize();
        var i = NextRow();
        EnsureBytes(value.Length);
        value.CopyTo(Bytes.AsSpan(ByteLength));
        ByteLength += value.Length;
        Offsets[i + 1] = ByteLength;
    }

    /// <summary>Appends a string as UTF-8; null appends a null.</summary>
    public void AppendString(string? value)
    {
        if (value is null) { AppendNull(); return; }
        Expect(Storage.Bytes);
        Materialize();
        var i = NextRow();
        EnsureBytes(Encoding.UTF8.GetMaxByteCount(value.Length));
        ByteLength += Encoding.UTF8.GetBytes(value, Bytes.AsSpan(ByteLength));
        Offsets[i + 1] = ByteLength;
    }

    /// <summary>Appends a null (optional columns only).</summary>
    public void AppendNull()
    {
        if (!Column.Optional) throw new InvalidOperationException($"Column '{Column.Name}' is required and cannot hold a null.");
        Materialize();
        var i = NextRow();
        NullFlags![i] = true;
        NullCount++;
        switch (_storage)
        {
            case Storage.Int64: Longs[i] = 0; break;
            case Storage.Int32: Ints[i] = 0; break;
            case Storage.Double: Doubles[i] = 0; break;
            case Storage.Boolean: Bools[i] = false; break;
            default: Offsets[i + 1] = ByteLength; break;
        }
    }

    /// <summary>Appends a boxed value of the column's type (tests and tools).</summary>
    public void AppendValue(object? value)
    {
        switch (value)
        {
            case null: AppendNull(); break;
            case long l when _storage == Storage.Int64: AppendInt64(l); break;
            case int n when _storage == Storage.Int32: AppendInt32(n); break;
            case double d when _storage == Storage.Double: AppendDouble(d); break;
            case float f when _storage == Storage.Double: AppendDouble(f); break;
            case bool b: AppendBoolean(b); break;
            case string s: AppendString(s); break;
            case byte[] bytes: AppendBytes(bytes); break;
            default: throw new ArgumentException($"A {value.GetType().Name} does not fit column '{Column.Name}' ({Column.Type}).");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextRow()
    {
        var i = Count;
        if (i >= Capacity) Reserve(Math.Max(16, i * 2));
        if (NullFlags is not null) NullFlags[i] = false;
        Count = i + 1;
        return i;
    }

    private int Capacity => _storage switch
    {
        Storage.Int64 => Longs.Length, Storage.Int32 => Ints.Length, Storage.Double => Doubles.Length,
        Storage.Boolean => Bools.Length, _ => Offsets.Length - 1,
    };

    /// <summary>Makes room for <paramref name="rows"/> rows (readers size the arrays once per row group).</summary>
    internal void Reserve(int rows)
    {
        if (Column.Optional && (NullFlags is null || NullFlags.Length < rows)) Array.Resize(ref NullFlags, rows);
        switch (_storage)
        {
            case Storage.Int64: if (Longs.Length < rows) Array.Resize(ref Longs, rows); break;
            case Storage.Int32: if (Ints.Length < rows) Array.Resize(ref Ints, rows); break;
            case Storage.Double: if (Doubles.Length < rows) Array.Resize(ref Doubles, rows); break;
            case Storage.Boolean: if (Bools.Length < rows) Array.Resize(ref Bools, rows); break;
        }
        if (_storage == Storage.Bytes && Offsets.Length < rows + 1) Array.Resize(ref Offsets, rows + 1);
    }

    /// <summary>
    /// Like <see cref="Reserve"/> for a buffer a reader is about to overwrite whole (after <see cref="Clear"/>): grown
    /// arrays are neither copied nor zeroed, since the decoder writes every row's slot (nulls included).
    /// </summary>
    internal void ReserveForRead(int rows)
    {
        if (Column.Optional && (NullFlags is null || NullFlags.Length < rows)) NullFlags = GC.AllocateUninitializedArray<bool>(rows);
        switch (_storage)
        {
            case Storage.Int64: if (Longs.Length < rows) Longs = GC.AllocateUninitializedArray<long>(rows); break;
            case Storage.Int32: if (Ints.Length < rows) Ints = GC.AllocateUninitializedArray<int>(rows); break;
            case Storage.Double: if (Doubles.Length < rows) Doubles = GC.AllocateUninitializedArray<double>(rows); break;
            case Storage.Boolean: if (Bools.Length < rows) Bools = GC.AllocateUninitializedArray<bool>(rows); break;
            default:
                if (Offsets.Length < rows + 1) Offsets = GC.AllocateUninitializedArray<int>(rows + 1);
                Offsets[0] = 0;
                break;
        }
    }

    internal void EnsureBytes(int extra)
    {
        if (ByteLength + extra <= Bytes.Length) return;
        var size = Math.Max(Math.Max(256, Bytes.Length * 2L), (long)ByteLength + extra);
        if (size > Array.MaxLength) throw new InvalidOperationException($"Column '{Column.Name}' exceeds 2 GB; use smaller row groups.");
        Array.Resize(ref Bytes, (int)size);
    }

    /// <summary>Switches a string column the reader is filling to entries plus indices; rows decoded so far become entries of their own.</summary>
    internal void BeginIndexed(int filled, int rows)
    {
        if (Indices.Length < rows) Indices = GC.AllocateUninitializedArray<int>(rows);   // every slot is written before it is read
        for (var r = 0; r < filled; r++) Indices[r] = r;
        EntryCount = filled;
        Indexed = true;
    }

    /// <summary>Appends an entry (indexed mode) and returns its number.</summary>
    internal int AddEntry(ReadOnlySpan<byte> value)
    {
        if (EntryCount + 2 > Offsets.Length) Array.Resize(ref Offsets, Math.Max(16, Offsets.Length * 2));
        EnsureBytes(value.Length);
        value.CopyTo(Bytes.AsSpan(ByteLength));
        ByteLength += value.Length;
        Offsets[EntryCount + 1] = ByteLength;
        return EntryCount++;
    }

    /// <summary>Turns dictionary-backed rows back into one contiguous byte area (writers and appends need it).</summary>
    internal void Materialize()
    {
        if (!Indexed) return;
        long total = 0;
        for (var r = 0; r < Count; r++) { var e = Indices[r]; total += Offsets[e + 1] - Offsets[e]; }
        if (total > Array.MaxLength) throw new InvalidOperationException($"Column '{Column.Name}' exceeds 2 GB; use smaller row groups.");
        var bytes = new byte[Math.Max(256, total)];
        var offsets = new int[Count + 1];   // the capacity the null flags are known to have; appends grow both
        var p = 0;
        for (var r = 0; r < Count; r++)
        {
            var e = Indices[r];
            var s = Offsets[e];
            var len = Offsets[e + 1] - s;
            Bytes.AsSpan(s, len).CopyTo(bytes.AsSpan(p));
            p += len;
            offsets[r + 1] = p;
        }
        Bytes = bytes;
        Offsets = offsets;
        ByteLength = p;
        Indexed = false;
        EntryCount = 0;
    }

    /// <summary>Sets the row count after a reader filled the arrays directly.</summary>
    internal void SetFilled(int count, int nullCount) { Count = count; NullCount = nullCount; }

    private void Expect(Storage storage)
    {
        if (_storage != storage) throw new InvalidOperationException($"Column '{Column.Name}' holds {Column.Type}, not {storage}.");
    }

    private int CheckRow(int row) => (uint)row < (uint)Count ? row : throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} of {Count}.");
}
