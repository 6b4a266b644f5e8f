using System.Diagnostics;
using System.Text;
using Rhythmic.Parquet;

namespace Rhythmic.Warehouse;

/// <summary>
/// Stages the events of the lake's Parquet files into dw.stg_event: reads each row group's columns with the project's
/// reader and streams the rows into the binary COPY. Columns a topic does not have (or a file lacks) stage as null.
/// </summary>
internal sealed class LakeStager(string lakeRoot)
{
    /// <summary>The lake columns read, in dw.stg_event's order (after topic).</summary>
    internal static readonly string[] Columns =
    [
        "ts", "sessionId", "level", "itemInSession", "city", "zip", "state", "userAgent", "lon", "lat", "userId",
        "firstName", "lastName", "gender", "registration", "artist", "song", "duration", "auth", "page", "method", "status", "success",
    ];

    public string LakeRoot => lakeRoot;

    public Task StageAsync(LakeFileToStage file, StagingWriter writer, CancellationToken ct) => StageFileAsync(file.Topic, Path.Combine(lakeRoot, file.Path), writer, ct);

    /// <summary>Stages every row of the Parquet file at <paramref name="path"/> as events of <paramref name="topic"/>.</summary>
    public static Task StageFileAsync(string topic, string path, StagingWriter writer, CancellationToken ct)
    {
        using var reader = ParquetReader.Open(path);
        var index = Columns.Select(reader.Schema.IndexOf).ToArray();
        var buffers = new ColumnBuffer?[Columns.Length];
        var strings = writer.Strings;
        for (var rg = 0; rg < reader.RowGroupCount; rg++)
        {
            ct.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            for (var c = 0; c < Columns.Length; c++)
                buffers[c] = index[c] < 0 ? null : reader.ReadColumn(rg, index[c], buffers[c]);
            LoadProfile.Add("001a parquet decode", start);
            var rows = reader.GetRowGroup(rg).RowCount;
            for (var row = 0; row < rows; row++)
                writer.WriteLakeRow(topic, buffers, row, strings);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Reuses the string of repeated UTF-8 values (levels, cities, songs, agents repeat a lot), so staging allocates little.</summary>
internal sealed class StringCache
{
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 512) return Encoding.UTF8.GetString(utf8);
        Span<char> chars = stackalloc char[512];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..n], out var known)) return known;
        if (_strings.Count > 500_000) _strings.Clear();
        var value = new string(chars[..n]);
        _strings.Add(value);
        return value;
    }
}
