namespace Rhythmic.Lake.Storage;

/// <summary>A lake in a local or mounted directory.</summary>
public sealed class LocalLakeStorage : ILakeStorage
{
    /// <summary>The root directory (absolute).</summary>
    public string Root { get; }

    public LocalLakeStorage(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Location => Root;

    /// <summary>The absolute local path of a lake path.</summary>
    public string FullPath(string path) => Path.Combine(Root, path.Replace('/', Path.DirectorySeparatorChar));

    public void WriteDurably(string path, Action<Stream> write)
    {
        var full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var stream = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    public void Publish(string tempPath, string finalPath)
    {
        var target = FullPath(finalPath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // rename(2): atomic on one file system, so readers see the whole file or none of it.
        File.Move(FullPath(tempPath), target, overwrite: true);
    }

    public Stream OpenRead(string path)
        => new FileStream(FullPath(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.RandomAccess);

    public bool Exists(string path) => File.Exists(FullPath(path));

    public long Length(string path) => new FileInfo(FullPath(path)).Length;

    public IEnumerable<string> List(string prefix)
    {
        var dir = FullPath(prefix);
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'));
    }

    public void Delete(string path) => File.Delete(FullPath(path));
}
