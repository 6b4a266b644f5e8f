using Rhythmic.Lake.Storage;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>The moments of a checkpoint where a test may stop a lander as if it crashed.</summary>
public enum LanderCrashPoint
{
    /// <summary>Files are written under temporary names; nothing renamed or committed.</summary>
    AfterWrite,
    /// <summary>Files carry their final names; the manifest and offsets are not committed.</summary>
    AfterRename,
    /// <summary>The commit is done.</summary>
    AfterCommit,
}

/// <summary>
/// A lake storage that calls <paramref name="hook"/> at each crash point of each checkpoint of the lander using it
/// (a test throws from it to crash the lander there). A checkpoint writes all its files at once, then publishes them
/// all, then commits: so a checkpoint's write returning is <see cref="LanderCrashPoint.AfterWrite"/>, its publish
/// returning is <see cref="LanderCrashPoint.AfterRename"/>, and the next checkpoint's write starting (nothing of it
/// written yet) is the previous one's <see cref="LanderCrashPoint.AfterCommit"/>.
/// </summary>
internal sealed class CrashPointStorage(ILakeStorage inner, Action<LanderCrashPoint> hook) : ILakeStorage
{
    private bool _committing; // a checkpoint published its files: its commit comes before the next write

    public string Location => inner.Location;

    public void WriteAllDurably(IReadOnlyList<(string Path, ReadOnlyMemory<byte> Content)> files)
    {
        if (_committing)
        {
            _committing = false;
            hook(LanderCrashPoint.AfterCommit);
        }
        inner.WriteAllDurably(files);
        hook(LanderCrashPoint.AfterWrite);
    }

    public void PublishAll(IReadOnlyList<(string TempPath, string FinalPath)> moves)
    {
        inner.PublishAll(moves);
        _committing = true;
        hook(LanderCrashPoint.AfterRename);
    }

    public void WriteDurably(string path, Action<Stream> write) => inner.WriteDurably(path, write);
    public void Publish(string tempPath, string finalPath) => inner.Publish(tempPath, finalPath);
    public Stream OpenRead(string path) => inner.OpenRead(path);
    public bool Exists(string path) => inner.Exists(path);
    public long Length(string path) => inner.Length(path);
    public IEnumerable<string> List(string prefix) => inner.List(prefix);
    public void Delete(string path) => inner.Delete(path);
}
