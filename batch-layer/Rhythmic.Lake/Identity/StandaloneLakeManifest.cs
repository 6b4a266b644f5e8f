using System.Text;
using System.Text.Json;
using Rhythmic.Core;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Lake.Identity;

/// <summary>Where a writer of the lake commits its files, watermarks and dead letters (all of one commit at once).</summary>
internal interface ILakeCommitTarget
{
    /// <summary>Makes the whole commit visible at once, or none of it.</summary>
    Task CommitAsync(string group, LakeCommit commit, CancellationToken ct);
}

/// <summary>The platform's manifest in PostgreSQL, bound to the writer's directory before its first commit.</summary>
internal sealed class PostgresCommitTarget(LakeManifest manifest, ILakeStorage storage) : ILakeCommitTarget
{
    private bool _bound;

    public async Task CommitAsync(string group, LakeCommit commit, CancellationToken ct)
    {
        if (!_bound)
        {
            await manifest.BindRootAsync(storage, ct);
            _bound = true;
        }
        await manifest.CommitAsync(group, commit, ct);
    }
}

/// <summary>
/// The manifest of a standalone lake: a backfill into a directory other than the platform's Lake:Root keeps its own
/// manifest, <c>_rhythmic/manifest.jsonl</c> in that directory (one JSON object a line: a committed file, a watermark
/// or a dead letter), and never touches the platform's. Each commit rewrites the file through a temporary file and a
/// rename, so a reader sees every commit whole or not at all. No lander writes here: it has no Kafka offsets.
/// </summary>
public sealed class StandaloneLakeManifest : ILakeCommitTarget
{
    private readonly ILakeStorage _storage;
    private readonly List<string> _lines = [];
    private readonly List<LakeFile> _files = [];
    private long _nextFileId = 1;

    /// <summary>The lake's marker.</summary>
    public LakeMarker Marker { get; }

    /// <summary>The committed files, in commit order.</summary>
    public IReadOnlyList<LakeFile> Files => _files;

    /// <summary>The manifest file, absolute.</summary>
    public string Location => Path.Combine(_storage.Location, LakeMarker.ManifestPath);

    private StandaloneLakeManifest(ILakeStorage storage, LakeMarker marker)
    {
        _storage = storage;
        Marker = marker;
        if (!storage.Exists(LakeMarker.ManifestPath)) return;
        using var reader = new StreamReader(storage.OpenRead(LakeMarker.ManifestPath), Encoding.UTF8);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            _lines.Add(line);
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.GetProperty("kind").GetString() != "file") continue;
                var file = new LakeFile(_nextFileId++, e.GetProperty("topic").GetString()!, e.GetProperty("partition").GetInt32(),
                    e.GetProperty("firstOffset").GetInt64(), e.GetProperty("lastOffset").GetInt64(), e.GetProperty("hour").GetDateTimeOffset(),
                    e.GetProperty("path").GetString()!, e.GetProperty("rowCount").GetInt64(), e.GetProperty("bytes").GetInt64(),
                    e.GetProperty("source").GetString()!, e.GetProperty("committedAt").GetDateTimeOffset());
                _files.Add(file);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new RhythmicException($"Line {number} of the lake manifest {Location} does not parse ({ex.Message}).", ex);
            }
        }
    }

    /// <summary>
    /// The manifest of the standalone lake in <paramref name="storage"/>, created (with the marker) when the directory
    /// is not a lake yet. A directory that is a platform lake (its manifest in PostgreSQL) is refused.
    /// </summary>
    public static StandaloneLakeManifest OpenOrCreate(ILakeStorage storage)
    {
        var marker = LakeMarker.Read(storage);
        if (marker is null)
        {
            marker = LakeMarker.New(LakeManifestKind.File);
            marker.Write(storage);
        }
        return OpenMarked(storage, marker);
    }

    /// <summary>The manifest of the existing standalone lake in <paramref name="storage"/>; refused if the directory is not one.</summary>
    public static StandaloneLakeManifest Open(ILakeStorage storage)
    {
        var marker = LakeMarker.Read(storage)
            ?? throw new LakeRootMismatchException($"{LakeRootBinding.Normalize(storage.Location)} holds no lake marker ({LakeMarker.MarkerPath}): it is not a lake written by rhythmic (or was written before lakes had one).");
        return OpenMarked(storage, marker);
    }

    private static StandaloneLakeManifest OpenMarked(ILakeStorage storage, LakeMarker marker)
    {
        if (marker.Manifest == LakeManifestKind.Postgres)
            throw new LakeRootMismatchException(
                $"{LakeRootBinding.Normalize(storage.Location)} is a platform's lake (lake {marker.LakeId}) whose manifest is in PostgreSQL: " +
                "it has no manifest of its own; reach it through the platform whose Lake:Root names it.");
        return new StandaloneLakeManifest(storage, marker);
    }

    Task ILakeCommitTarget.CommitAsync(string group, LakeCommit commit, CancellationToken ct)
    {
        if (commit.Offsets.Count > 0) throw new InvalidOperationException("A standalone lake keeps no Kafka offsets: only a backfill writes it.");
        if (commit.IsEmpty) return Task.CompletedTask;
        var now = DateTimeOffset.UtcNow;
        var added = new List<string>();
        var files = new List<LakeFile>();
        foreach (var f in commit.Files)
        {
            var hour = DateTimeOffset.FromUnixTimeMilliseconds(f.HourMs);
            files.Add(new LakeFile(_nextFileId + files.Count, f.Topic, f.KafkaPartition, f.FirstOffset, f.LastOffset, hour, f.Path, f.RowCount, f.Bytes, f.Source, now));
            added.Add(Line(w =>
            {
                w.WriteString("kind", "file");
                w.WriteString("topic", f.Topic);
                w.WriteNumber("partition", f.KafkaPartition);
                w.WriteNumber("firstOffset", f.FirstOffset);
                w.WriteNumber("lastOffset", f.LastOffset);
                w.WriteString("hour", hour);
                w.WriteString("path", f.Path);
                w.WriteNumber("rowCount", f.RowCount);
                w.WriteNumber("bytes", f.Bytes);
                w.WriteString("source", f.Source);
                w.WriteString("committedAt", now);
            }));
        }
        foreach (var m in commit.Watermarks)
            added.Add(Line(w =>
            {
                w.WriteString("kind", "watermark");
                w.WriteString("topic", m.Topic);
                w.WriteNumber("partition", m.Partition);
                w.WriteString("watermark", DateTimeOffset.FromUnixTimeMilliseconds(m.WatermarkMs));
            }));
        foreach (var d in commit.DeadLetters)
            added.Add(Line(w =>
            {
                w.WriteString("kind", "dead_letter");
                w.WriteString("group", group);
                w.WriteString("topic", d.Topic);
                w.WriteNumber("partition", d.Partition);
                w.WriteNumber("offset", d.Offset);
                w.WriteString("reason", d.Reason);
                w.WriteNumber("payloadBytes", d.PayloadBytes);
                w.WriteBase64String("payload", d.Payload);
            }));
        var all = _lines.Concat(added).ToList();
        var temp = LakeMarker.ManifestPath + LakeLayout.TempSuffix;
        _storage.WriteDurably(temp, s =>
        {
            using var writer = new StreamWriter(s, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            foreach (var line in all) writer.Write(line + "\n");
        });
        _storage.Publish(temp, LakeMarker.ManifestPath);
        _lines.AddRange(added);
        _files.AddRange(files);
        _nextFileId += files.Count;
        return Task.CompletedTask;
    }

    private static string Line(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
