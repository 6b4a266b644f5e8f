using Rhythmic.Lake.Storage;
using Rhythmic.Parquet;

namespace Rhythmic.Lake;

/// <summary>
/// The way into the lake's rows: the committed files (from the manifest, never from listing folders, so half-written or
/// uncommitted files are never read), read as columns, row group by row group. A committed file that is missing, does
/// not parse or holds another number of rows than the manifest records throws a <see cref="LakeFileException"/> naming it.
/// </summary>
public sealed class LakeReader(ILakeStorage storage)
{
    private ParquetReader Open(string path) => new(storage.OpenRead(path), leaveOpen: false, name: path);

    /// <summary>
    /// Reads <paramref name="file"/> one row group at a time and yields each group's row count, with column i of the group in
    /// <paramref name="read"/>[i]: the column named <paramref name="columns"/>[i], or null where that name is null or the file
    /// lacks the column. Each column is decoded into <paramref name="pool"/>[i] (a buffer the caller keeps across groups and
    /// files, grown as needed), so a group's columns are valid until the next group is read.
    /// </summary>
    public IEnumerable<int> ReadRowGroups(LakeFile file, IReadOnlyList<string?> columns, ColumnBuffer?[] read, ColumnBuffer?[] pool, CancellationToken ct = default)
    {
        var (path, root) = (file.Path, storage.Location);
        using var reader = LakeFileException.Guard(path, root, () => Open(path));
        if (reader.RowCount != file.RowCount)
            throw LakeFileException.Unreadable(path, root, $"it holds {reader.RowCount} rows, the manifest records {file.RowCount}");
        var index = columns.Select(c => c is null ? -1 : reader.Schema.IndexOf(c)).ToArray();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            ct.ThrowIfCancellationRequested();
            var group = g;
            yield return LakeFileException.Guard(path, root, () =>
            {
                for (var c = 0; c < index.Length; c++)
                    read[c] = index[c] < 0 ? null : pool[c] = reader.ReadColumn(group, index[c], pool[c]);
                return (int)reader.GetRowGroup(group).RowCount;
            });
        }
    }
}
