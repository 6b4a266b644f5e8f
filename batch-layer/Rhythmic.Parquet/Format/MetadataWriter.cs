using Rhythmic.Parquet.Thrift;

namespace Rhythmic.Parquet.Format;

/// <summary>Serializes the footer and page headers in the compact protocol.</summary>
internal static class MetadataWriter
{
    public static void Write(CompactWriter w, FileMetaData m)
    {
        w.BeginStruct();
        w.I32(1, m.Version);
        w.List(2, CompactType.Struct, m.Schema.Count);
        foreach (var e in m.Schema) WriteSchemaElement(w, e);
        w.I64(3, m.NumRows);
        w.List(4, CompactType.Struct, m.RowGroups.Count);
        foreach (var rg in m.RowGroups) WriteRowGroup(w, rg);
        if (m.CreatedBy is not null) w.String(6, m.CreatedBy);
        // column_orders: TYPE_ORDER for every leaf, so readers trust min_value/max_value.
        var leaves = m.Schema.Count - 1;
        w.List(7, CompactType.Struct, leaves);
        for (var i = 0; i < leaves; i++)
        {
            w.BeginStruct();
            w.Struct(1); w.EndStruct();
            w.EndStruct();
        }
        w.EndStruct();
    }

    private static void WriteSchemaElement(CompactWriter w, SchemaElement e)
    {
        w.BeginStruct();
        if (e.Type is { } t) w.I32(1, (int)t);
        if (e.Repetition is { } r) w.I32(3, (int)r);
        w.String(4, e.Name);
        if (e.NumChildren > 0) w.I32(5, e.NumChildren);
        if (e.ConvertedType is { } ct) w.I32(6, ct);
        if (e.LogicalString) { w.Struct(10); w.Struct(1); w.EndStruct(); w.EndStruct(); }
        else if (e.LogicalTimestamp != TimeUnitKind.None)
        {
            w.Struct(10);
            w.Struct(8);
            w.Bool(1, e.TimestampUtc);
            w.Struct(2);
            w.Struct((short)e.LogicalTimestamp); w.EndStruct();
            w.EndStruct();
            w.EndStruct();
            w.EndStruct();
        }
        w.EndStruct();
    }

    private static void WriteRowGroup(CompactWriter w, RowGroup rg)
    {
        w.BeginStruct();
        w.List(1, CompactType.Struct, rg.Columns.Count);
        foreach (var c in rg.Columns)
        {
            w.BeginStruct();
            w.I64(2, c.FileOffset);
            w.Struct(3);
            WriteColumnMetaData(w, c.MetaData!);
            w.EndStruct();
            w.EndStruct();
        }
        w.I64(2, rg.TotalByteSize);
        w.I64(3, rg.NumRows);
        w.EndStruct();
    }

    private static void WriteColumnMetaData(CompactWriter w, ColumnMetaData m)
    {
        w.I32(1, (int)m.Type);
        w.List(2, CompactType.I32, m.Encodings.Count);
        foreach (var e in m.Encodings) w.ElementI32((int)e);
        w.List(3, CompactType.Binary, m.Path.Count);
        foreach (var p in m.Path) w.ElementString(p);
        w.I32(4, m.Codec);
        w.I64(5, m.NumValues);
        w.I64(6, m.TotalUncompressedSize);
        w.I64(7, m.TotalCompressedSize);
        w.I64(9, m.DataPageOffset);
        if (m.DictionaryPageOffset is { } d) w.I64(11, d);
        if (m.Statistics is { } s)
        {
            w.Struct(12);
            if (s.NullCount is { } nc) w.I64(3, nc);
            if (s.MaxValue is not null) w.Binary(5, s.MaxValue);
            if (s.MinValue is not null) w.Binary(6, s.MinValue);
            w.EndStruct();
        }
    }

    public static void WritePageHeader(CompactWriter w, PageHeader h)
    {
        w.BeginStruct();
        w.I32(1, (int)h.Type);
        w.I32(2, h.UncompressedSize);
        w.I32(3, h.CompressedSize);
        if (h.Type == PageType.DataPage)
        {
            w.Struct(5);
            w.I32(1, h.NumValues);
            w.I32(2, (int)h.Encoding);
            w.I32(3, (int)Encoding.Rle);
            w.I32(4, (int)Encoding.Rle);
            w.EndStruct();
        }
        else
        {
            w.Struct(7);
            w.I32(1, h.NumValues);
            w.I32(2, (int)h.Encoding);
            w.EndStruct();
        }
        w.EndStruct();
    }
}
