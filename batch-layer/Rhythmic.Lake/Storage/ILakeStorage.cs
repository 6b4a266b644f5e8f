namespace Rhythmic.Lake.Storage;

/// <summary>
/// The lake's only contact with where files live. Paths are relative to the lake root with '/' separators. The local
/// implementation serves a directory, which may be a mount (HDFS through its NFS gateway, an object store through a
/// FUSE mount); an HDFS or object-store client would implement this same interface.
/// </summary>
public interface ILakeStorage
{
    /// <summary>Where the lake is, for messages.</summary>
    string Location { get; }

    /// <summary>Creates (or replaces) <paramref name="path"/>, lets <paramref name="write"/> fill it, and makes it durable before returning.</summary>
    void WriteDurably(string path, Action<Stream> write);

    /// <summary>Moves a durable file to its final name in one atomic step (replacing any file of that name).</summary>
    void Publish(string tempPath, string finalPath);

    /// <summary>
    /// Creates (or replaces) every file of <paramref name="files"/> with its content, all durable before returning. A
    /// store that can make many files durable at once (a file system syncing them concurrently) should, rather than
    /// one after another.
    /// </summary>
    void WriteAllDurably(IReadOnlyList<(string Path, ReadOnlyMemory<byte> Content)> files)
    {
        foreach (var (path, content) in files) WriteDurably(path, s => s.Write(content.Span));
    }

    /// <summary>
    /// Moves durable files to their final names, each in one atomic step as <see cref="Publish"/>, with the new names
    /// themselves durable before returning (a crash after it cannot bring back the temporary names).
    /// </summary>
    void PublishAll(IReadOnlyList<(string TempPath, string FinalPath)> moves)
    {
        foreach (var (temp, final) in moves) Publish(temp, final);
    }

    /// <summary>Opens a file for reading (seekable).</summary>
    Stream OpenRead(string path);

    /// <summary>Whether a file exists.</summary>
    bool Exists(string path);

    /// <summary>The size of a file in bytes.</summary>
    long Length(string path);

    /// <summary>Every file under <paramref name="prefix"/>, recursively; empty when the folder does not exist.</summary>
    IEnumerable<string> List(string prefix);

    /// <summary>Removes a file if it exists.</summary>
    void Delete(string path);
}
