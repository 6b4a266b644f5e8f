namespace Rhythmic.Parquet;

/// <summary>Page compression codecs supported.</summary>
public enum ParquetCodec
{
    /// <summary>UNCOMPRESSED.</summary>
    None = 0,
    /// <summary>SNAPPY (raw block format, as Parquet uses it).</summary>
    Snappy = 1,
}

/// <summary>How column values are encoded.</summary>
public enum ValueEncoding
{
    /// <summary>Dictionary when values repeat enough, else PLAIN (per column chunk).</summary>
    Auto,
    /// <summary>Always PLAIN.</summary>
    Plain,
    /// <summary>Always a dictionary page plus RLE_DICTIONARY data pages (booleans stay PLAIN).</summary>
    Dictionary,
}

/// <summary>Options of a <see cref="ParquetWriter"/>.</summary>
public sealed class ParquetWriterOptions
{
    public ParquetCodec Codec { get; init; } = ParquetCodec.Snappy;
    public ValueEncoding Encoding { get; init; } = ValueEncoding.Auto;
    /// <summary>In Auto mode, a dictionary larger than this (plain-encoded bytes) falls back to PLAIN.</summary>
    public int MaxDictionaryBytes { get; init; } = 1 << 20;
    /// <summary>Rows per data page (a column chunk is split into pages of at most this many rows).</summary>
    public int PageRows { get; init; } = 64 * 1024;
    /// <summary>Recorded in the footer's created_by.</summary>
    public string CreatedBy { get; init; } = "Rhythmic.Parquet version 1.0.0";
}
