namespace Rhythmic.Parquet.Format;

// The subset of parquet.thrift that Rhythmic reads and writes; field ids are the specification's.

internal enum PhysicalType { Boolean = 0, Int32 = 1, Int64 = 2, Int96 = 3, Float = 4, Double = 5, ByteArray = 6, FixedLenByteArray = 7 }
internal enum Repetition { Required = 0, Optional = 1, Repeated = 2 }
internal enum Encoding { Plain = 0, PlainDictionary = 2, Rle = 3, BitPacked = 4, DeltaBinaryPacked = 5, DeltaLengthByteArray = 6, DeltaByteArray = 7, RleDictionary = 8, ByteStreamSplit = 9 }
internal enum PageType { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 }
internal enum TimeUnitKind { None, Millis, Micros, Nanos }

internal static class ConvertedTypes
{
    public const int Utf8 = 0, Enum = 4, TimestampMillis = 9, TimestampMicros = 10, Json = 19;
}

internal sealed class SchemaElement
{
    public PhysicalType? Type;
    public Repetition? Repetition;
    public string Name = "";
    public int NumChildren;
    public int? ConvertedType;
    public bool LogicalString;
    public TimeUnitKind LogicalTimestamp;
    public bool TimestampUtc;
}

internal sealed class Statistics
{
    public byte[]? Max, Min;   // deprecated fields (signed order), used only when the new ones are absent
    public long? NullCount;
    public byte[]? MaxValue, MinValue;
}

internal sealed class ColumnMetaData
{
    public PhysicalType Type;
    public List<Encoding> Encodings = [];
    public List<string> Path = [];
    public int Codec;
    public long NumValues;
    public long TotalUncompressedSize;
    public long TotalCompressedSize;
    public long DataPageOffset;
    public long? DictionaryPageOffset;
    public Statistics? Statistics;
}

internal sealed class ColumnChunk
{
    public long FileOffset;
    public ColumnMetaData? MetaData;
}

internal sealed class RowGroup
{
    public List<ColumnChunk> Columns = [];
    public long TotalByteSize;
    public long NumRows;
}

internal sealed class FileMetaData
{
    public int Version;
    public List<SchemaElement> Schema = [];
    public long NumRows;
    public List<RowGroup> RowGroups = [];
    public string? CreatedBy;
}

internal sealed class PageHeader
{
    public PageType Type;
    public int UncompressedSize;
    public int CompressedSize;
    // DATA_PAGE / DATA_PAGE_V2 / DICTIONARY_PAGE
    public int NumValues;
    public Encoding Encoding;
    public Encoding DefinitionLevelEncoding;
    // DATA_PAGE_V2 only
    public int NumNulls;
    public int DefinitionLevelsLength;
    public int RepetitionLevelsLength;
    public bool IsCompressed = true;
    public bool HasHeader;
}
