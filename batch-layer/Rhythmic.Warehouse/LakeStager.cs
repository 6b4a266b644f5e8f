using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Rhythmic.Parquet;

namespace Rhythmic.Warehouse;

/// <summary>
/// Stages the events of the lake's Parquet files into dw.stg_event: a decoder thread reads each row group's columns
/// with the project's reader and encodes its rows for the binary COPY, while the caller's thread writes the encoded
/// chunks of the previous row groups to PostgreSQL, so decoding overlaps the COPY. Columns a topic does not have (or a
/// file lacks) stage as null.
/// </summary>
internal sealed class LakeStager(string lakeRoot)
{
    /// <summary>The lake columns read, in dw.stg_event's order (after topic).</summary>
    internal static readonly string[] Columns =
    [
        "ts", "sessionId", "level", "itemInSession", "city", "zip", "state", "userAgent", "lon", "lat", "userId",
        "firstName", "lastName", "gender", "registration", "artist", "song", "duration", "auth", "page", "method", "status", "success",
    ];

    /// <summary>Encoded chunks in flight between the decoder and the COPY: enough to ride out a slow file, bounded in memory.</summary>
    private const int ChunksInFlight = 4;

    public string LakeRoot => lakeRoot;

    public Task StageAsync(IEnumerable<LakeFileToStage> files, StagingWriter writer, CancellationToken ct)
        => StageFilesAsync(files.Select(f => (f.Topic, Path.Combine(lakeRoot, f.Path))), writer, ct);

    /// <summary>Stages every row of the Parquet file at <paramref name="path"/> as events of <paramref name="topic"/>.</summary>
    public static Task StageFileAsync(string topic, string path, StagingWriter writer, CancellationToken ct)
        => StageFilesAsync([(topic, path)], writer, ct);

    /// <summary>Stages every row of each (topic, path) file, decoding on a thread of its own while the COPY is written.</summary>
    public static async Task StageFilesAsync(IEnumerable<(string Topic, string Path)> files, StagingWriter writer, CancellationToken ct)
    {
        var chunks = Channel.CreateBounded<(byte[] Buffer, int Length)>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var decoder = Task.Run(() => Decode(files, writer, chunks.Writer, stop.Token), stop.Token);
        try
        {
            while (await chunks.Reader.WaitToReadAsync(CancellationToken.None))
                while (chunks.Reader.TryRead(out var chunk))
                {
                    var start = Stopwatch.GetTimestamp();
                    writer.WriteChunk(chunk.Buffer, chunk.Length);
                    LoadProfile.Add("001b copy write (overlaps decode)", start);
                }
        }
        catch
        {
            stop.Cancel();
            try { await decoder; } catch (OperationCanceledException) { }
            throw;
        }
        await decoder;   // the decoder's exception, if it failed (the channel is complete either way)
    }

    private static void Decode(IEnumerable<(string Topic, string Path)> files, StagingWriter writer, ChannelWriter<(byte[], int)> chunks, CancellationToken ct)
    {
        try
        {
            var strings = writer.Strings;
            var rows = new CopyRowEncoder(1 << 21);
            var buffers = new ColumnBuffer?[Columns.Length];
            foreach (var (topic, path) in files)
            {
                var topicUtf8 = Encoding.UTF8.GetBytes(topic);
                using var reader = ParquetReader.Open(path);
                var index = Columns.Select(reader.Schema.IndexOf).ToArray();
                Array.Clear(buffers);
                for (var rg = 0; rg < reader.RowGroupCount; rg++)
                {
                    ct.ThrowIfCancellationRequested();
                    var start = Stopwatch.GetTimestamp();
                    for (var c = 0; c < Columns.Length; c++)
                        buffers[c] = index[c] < 0 ? null : reader.ReadColumn(rg, index[c], buffers[c]);
                    LoadProfile.Add("001a parquet decode", start);
                    start = Stopwatch.GetTimestamp();
                    var count = reader.GetRowGroup(rg).RowCount;
                    for (var row = 0; row < count; row++)
                        writer.EncodeLakeRow(rows, topicUtf8, buffers, row, strings);
                    LoadProfile.Add("001c encode rows", start);
                    if (rows.Length >= 1 << 20) Send(rows, chunks, ct);
                }
            }
            if (rows.Length > 0) Send(rows, chunks, ct);
            chunks.TryComplete();
            writer.EncodeLevelRuns();
        }
        finally
        {
            chunks.TryComplete();
        }
    }

    private static void Send(CopyRowEncoder rows, ChannelWriter<(byte[], int)> chunks, CancellationToken ct)
    {
        var chunk = rows.Detach();
        if (!chunks.TryWrite(chunk)) chunks.WriteAsync(chunk, ct).AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>Reuses the string of repeated UTF-8 values (levels, cities, songs, agents repeat a lot), so staging allocates little.</summary>
internal sealed class StringCache
{
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly char[] _chars = new char[512];   // one decoder thread uses a cache at a time; a stackalloc would be zeroed per call

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 512) return Encoding.UTF8.GetString(utf8);
        var chars = _chars.AsSpan();
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..n], out var known)) return known;
        if (_strings.Count > 500_000) _strings.Clear();
        var value = new string(chars[..n]);
        _strings.Add(value);
        return value;
    }
}
