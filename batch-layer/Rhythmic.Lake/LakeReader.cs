using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Storage;
using Rhythmic.Parquet;

namespace Rhythmic.Lake;

/// <summary>
/// The warehouse's way into the lake: which files of a topic and hour are committed (from the manifest, never from
/// listing folders, so half-written or uncommitted files are never read), and their rows as columns.
/// </summary>
public sealed class LakeReader(ILakeStorage storage, LakeManifest manifest)
{
    /// <summary>The platform's lake and manifest (read through <paramref name="dataSource"/>).</summary>
    public static LakeReader Create(RhythmicSettings settings, NpgsqlDataSource dataSource)
        => new(new LocalLakeStorage(settings.PathOf(settings.Lake.Root)), new LakeManifest(dataSource));

    public ILakeStorage Storage => storage;
    public LakeManifest Manifest => manifest;

    /// <summary>The committed files of <paramref name="topic"/> whose events fall in <paramref name="hour"/> (an hour start, UTC).</summary>
    public Task<IReadOnlyList<LakeFile>> FilesAsync(string topic, DateTimeOffset hour, CancellationToken ct = default) => manifest.FilesAsync(topic, hour, ct);

    /// <summary>The end of the topic's last complete hour (every partition's watermark is past it), or null.</summary>
    public Task<DateTimeOffset?> CompleteUntilAsync(string topic, CancellationToken ct = default) => manifest.CompleteUntilAsync(topic, ct);

    /// <summary>Opens one lake file (the caller disposes the reader).</summary>
    public ParquetReader Open(string path) => new(storage.OpenRead(path), leaveOpen: false, name: path);

    /// <summary>The named columns (all when null) of every row group of <paramref name="file"/>, one array per row group.</summary>
    public IEnumerable<ColumnBuffer[]> ReadColumns(LakeFile file, IReadOnlyList<string>? columns = null)
    {
        using var reader = Open(file.Path);
        for (var g = 0; g < reader.RowGroupCount; g++) yield return reader.ReadRowGroup(g, columns);
    }

    /// <summary>Every committed row group of a topic and hour, with the file it came from.</summary>
    public async IAsyncEnumerable<(LakeFile File, ColumnBuffer[] Columns)> ReadHourAsync(string topic, DateTimeOffset hour, IReadOnlyList<string>? columns = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var file in await FilesAsync(topic, hour, ct))
            foreach (var group in ReadColumns(file, columns))
            {
                ct.ThrowIfCancellationRequested();
                yield return (file, group);
            }
    }
}
