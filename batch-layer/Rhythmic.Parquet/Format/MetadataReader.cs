using Rhythmic.Parquet.Thrift;

namespace Rhythmic.Parquet.Format;

/// <summary>Decodes the footer and page headers; unknown fields are skipped, as Thrift intends.</summary>
internal static class MetadataReader
{
    public static FileMetaData ReadFileMetaData(ReadOnlySpan<byte> data)
    {
        var r = new CompactReader(data, "Parquet footer");
        var m = new FileMetaData();
        var s = r.BeginStruct();
        bool hasSchema = false, hasRows = false, hasGroups = false;
        while (r.NextField(out var id, out var t))
        {
            switch (id)
            {
                case 1: m.Version = r.ReadI32(t); break;
                case 2:
                {
                    var n = r.ReadListHeader(t, out _);
                    for (var i = 0; i < n; i++) m.Schema.Add(ReadSchemaElement(ref r));
                    hasSchema = true;
                    break;
                }
                case 3: m.NumRows = r.ReadI64(t); hasRows = true; break;
                case 4:
                {
                    var n = r.ReadListHeader(t, out _);
                    for (var i = 0; i < n; i++) m.RowGroups.Add(ReadRowGroup(ref r));
                    hasGroups = true;
                    break;
                }
                case 6: m.CreatedBy = r.ReadString(t); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
        if (!hasSchema || !hasRows || !hasGroups)
            throw new ParquetFormatException("Malformed Parquet footer: schema, num_rows or row_groups is missing.");
        return m;
    }

    private static SchemaElement ReadSchemaElement(ref CompactReader r)
    {
        var e = new SchemaElement();
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            switch (id)
            {
                case 1: e.Type = (PhysicalType)r.ReadI32(t); break;
                case 3: e.Repetition = (Repetition)r.ReadI32(t); break;
                case 4: e.Name = r.ReadString(t); break;
                case 5: e.NumChildren = r.ReadI32(t); break;
                case 6: e.ConvertedType = r.ReadI32(t); break;
                case 10: ReadLogicalType(ref r, e); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
        return e;
    }

    private static void ReadLogicalType(ref CompactReader r, SchemaElement e)
    {
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            if (id is 1 or 4 or 12) { e.LogicalString = true; r.Skip(t); } // STRING, ENUM, JSON
            else if (id == 8)
            {
                var ts = r.BeginStruct();
                while (r.NextField(out var fid, out var ft))
                {
                    if (fid == 1) e.TimestampUtc = r.ReadBool(ft);
                    else if (fid == 2)
                    {
                        var us = r.BeginStruct();
                        while (r.NextField(out var uid, out var ut))
                        {
                            e.LogicalTimestamp = uid switch { 1 => TimeUnitKind.Millis, 2 => TimeUnitKind.Micros, 3 => TimeUnitKind.Nanos, _ => e.LogicalTimestamp };
                            r.Skip(ut);
                        }
                        r.EndStruct(us);
                    }
                    else r.Skip(ft);
                }
                r.EndStruct(ts);
            }
            else r.Skip(t);
        }
        r.EndStruct(s);
    }

    private static RowGroup ReadRowGroup(ref CompactReader r)
    {
        var rg = new RowGroup();
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            switch (id)
            {
                case 1:
                {
                    var n = r.ReadListHeader(t, out _);
                    for (var i = 0; i < n; i++) rg.Columns.Add(ReadColumnChunk(ref r));
                    break;
                }
                case 2: rg.TotalByteSize = r.ReadI64(t); break;
                case 3: rg.NumRows = r.ReadI64(t); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
        return rg;
    }

    private static ColumnChunk ReadColumnChunk(ref CompactReader r)
    {
        var c = new ColumnChunk();
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            switch (id)
            {
                case 1: throw new ParquetFormatException($"Column chunks in other files ({r.ReadString(t)}) are not supported.");
                case 2: c.FileOffset = r.ReadI64(t); break;
                case 3: c.MetaData = ReadColumnMetaData(ref r); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
        return c;
    }

    private static ColumnMetaData ReadColumnMetaData(ref CompactReader r)
    {
        var m = new ColumnMetaData();
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            switch (id)
            {
                case 1: m.Type = (PhysicalType)r.ReadI32(t); break;
                case 2:
                {
                    var n = r.ReadListHeader(t, out _);
                    for (var i = 0; i < n; i++) m.Encodings.Add((Encoding)r.ReadElementI32());
                    break;
                }
                case 3:
                {
                    var n = r.ReadListHeader(t, out _);
                    for (var i = 0; i < n; i++) m.Path.Add(r.ReadElementString());
                    break;
                }
                case 4: m.Codec = r.ReadI32(t); break;
                case 5: m.NumValues = r.ReadI64(t); break;
                case 6: m.TotalUncompressedSize = r.ReadI64(t); break;
                case 7: m.TotalCompressedSize = r.ReadI64(t); break;
                case 9: m.DataPageOffset = r.ReadI64(t); break;
                case 11: m.DictionaryPageOffset = r.ReadI64(t); break;
                case 12: m.Statistics = ReadStatistics(ref r); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
        return m;
    }

    private static Statistics ReadStatistics(ref CompactReader r)
    {
        var st = new Statistics();
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            switch (id)
            {
                case 1: st.Max = r.ReadBinary(t).ToArray(); break;
                case 2: st.Min = r.ReadBinary(t).ToArray(); break;
                case 3: st.NullCount = r.ReadI64(t); break;
                case 5: st.MaxValue = r.ReadBinary(t).ToArray(); break;
                case 6: st.MinValue = r.ReadBinary(t).ToArray(); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
        return st;
    }

    /// <summary>Reads a page header at the start of <paramref name="data"/>; returns its length in bytes.</summary>
    public static int ReadPageHeader(ReadOnlySpan<byte> data, PageHeader h)
    {
        var r = new CompactReader(data, "Parquet page header");
        h.HasHeader = false;
        h.IsCompressed = true;
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            switch (id)
            {
                case 1: h.Type = (PageType)r.ReadI32(t); break;
                case 2: h.UncompressedSize = r.ReadI32(t); break;
                case 3: h.CompressedSize = r.ReadI32(t); break;
                case 5 or 7 or 8: ReadPageKind(ref r, h, id); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
        if (h.UncompressedSize < 0 || h.CompressedSize < 0 || h.NumValues < 0)
            throw new ParquetFormatException("Malformed Parquet page header: negative size or count.");
        return r.Position;
    }

    private static void ReadPageKind(ref CompactReader r, PageHeader h, short kind)
    {
        h.HasHeader = true;
        var s = r.BeginStruct();
        while (r.NextField(out var id, out var t))
        {
            switch (kind, id)
            {
                case (_, 1): h.NumValues = r.ReadI32(t); break;
                case (5, 2) or (7, 2) or (8, 4): h.Encoding = (Encoding)r.ReadI32(t); break;
                case (5, 3): h.DefinitionLevelEncoding = (Encoding)r.ReadI32(t); break;
                case (8, 2): h.NumNulls = r.ReadI32(t); break;
                case (8, 5): h.DefinitionLevelsLength = r.ReadI32(t); break;
                case (8, 6): h.RepetitionLevelsLength = r.ReadI32(t); break;
                case (8, 7): h.IsCompressed = r.ReadBool(t); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct(s);
    }
}
