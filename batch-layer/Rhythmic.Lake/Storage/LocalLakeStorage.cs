using System.Runtime.InteropServices;

namespace Rhythmic.Lake.Storage;

/// <summary>A lake in a local or mounted directory.</summary>
public sealed partial class LocalLakeStorage : ILakeStorage
{
    // fsync of one file waits for the file system's journal commit; many fsyncs in flight at once share one commit
    // (ext4's and XFS's group commit), so a checkpoint of hundreds of files costs a few commits instead of hundreds.
    private const int SyncThreads = 16;

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
        CreateDirectoryDurably(Path.GetDirectoryName(full)!);
        using var stream = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    public void WriteAllDurably(IReadOnlyList<(string Path, ReadOnlyMemory<byte> Content)> files)
    {
        foreach (var dir in files.Select(f => Path.GetDirectoryName(FullPath(f.Path))!).Distinct(StringComparer.Ordinal)) CreateDirectoryDurably(dir);
        InParallel(files.Count, i =>
        {
            using var handle = File.OpenHandle(FullPath(files[i].Path), FileMode.Create, FileAccess.Write);
            RandomAccess.Write(handle, files[i].Content.Span, 0);
            RandomAccess.FlushToDisk(handle);
        });
    }

    public void Publish(string tempPath, string finalPath)
    {
        var target = FullPath(finalPath);
        CreateDirectoryDurably(Path.GetDirectoryName(target)!);
        // rename(2): atomic on one file system, so readers see the whole file or none of it.
        File.Move(FullPath(tempPath), target, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(target)!);
    }

    public void PublishAll(IReadOnlyList<(string TempPath, string FinalPath)> moves)
    {
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (temp, final) in moves)
        {
            var target = FullPath(final);
            var dir = Path.GetDirectoryName(target)!;
            if (dirs.Add(dir)) CreateDirectoryDurably(dir);
            File.Move(FullPath(temp), target, overwrite: true);
        }
        // A rename is durable once its directory is: each touched directory once, all at the same time.
        var list = dirs.ToList();
        InParallel(list.Count, i => SyncDirectory(list[i]));
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

    /// <summary>Creates a directory and any missing parents, each new one durable in its parent (a new hour's folder survives a crash).</summary>
    private void CreateDirectoryDurably(string dir)
    {
        if (Directory.Exists(dir)) return;
        var parent = Path.GetDirectoryName(dir);
        if (parent is not null && !string.Equals(dir, Root, StringComparison.Ordinal)) CreateDirectoryDurably(parent);
        Directory.CreateDirectory(dir);
        if (parent is not null) SyncDirectory(parent);
    }

    /// <summary>Runs <paramref name="count"/> blocking I/O steps on up to <see cref="SyncThreads"/> threads of their own (not the thread pool, which they would starve).</summary>
    private static void InParallel(int count, Action<int> step)
    {
        if (count == 0) return;
        if (count == 1) { step(0); return; }
        var next = -1;
        var errors = new List<Exception>();
        void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try { step(i); }
                catch (Exception e) { lock (errors) errors.Add(e); }
            }
        }
        var threads = Enumerable.Range(0, Math.Min(SyncThreads, count) - 1).Select(_ => new Thread(Work) { IsBackground = true, Name = "lake-sync" }).ToList();
        foreach (var t in threads) t.Start();
        Work();
        foreach (var t in threads) t.Join();
        if (errors.Count == 1) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(errors[0]);
        if (errors.Count > 1) throw new AggregateException(errors);
    }

    /// <summary>fsync(2) of a directory, which makes the names in it durable (.NET opens no directory, hence libc).</summary>
    private static void SyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return;   // Windows has no directory fsync; NTFS journals renames
        var fd = Native.open(dir, Native.ORdOnly | (OperatingSystem.IsLinux() ? Native.ODirectoryLinux : 0));
        if (fd < 0) throw new IOException($"Could not open the directory {dir} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(fd) != 0) throw new IOException($"Could not sync the directory {dir} (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    private static partial class Native
    {
        public const int ORdOnly = 0;
        public const int ODirectoryLinux = 0x10000;
        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)] internal static partial int open(string path, int flags);
        [LibraryImport("libc", SetLastError = true)] internal static partial int fsync(int fd);
        [LibraryImport("libc", SetLastError = true)] internal static partial int close(int fd);
    }
}
