using Rhythmic.Core;

namespace Rhythmic.Lake;

/// <summary>A file the manifest records is missing from the lake, or cannot be read as the manifest describes it.</summary>
public sealed class LakeFileException(string path, string message, Exception? inner = null) : RhythmicException(message, inner)
{
    /// <summary>The file's path, relative to the lake root.</summary>
    public string FilePath { get; } = path;

    /// <summary>A recorded file (and <paramref name="others"/> more) absent from <paramref name="root"/>.</summary>
    public static LakeFileException Missing(string path, string root, int others = 0, Exception? inner = null)
        => new(path, $"lake file {path} is recorded in the manifest but missing from {root}{(others > 0 ? $" (and {others} more)" : "")}: run `rhythmic lake verify`", inner);

    /// <summary>A recorded file that is present but does not read as the manifest says (<paramref name="reason"/>).</summary>
    public static LakeFileException Unreadable(string path, string root, string reason, Exception? inner = null)
        => new(path, $"lake file {path} is recorded in the manifest but unreadable in {root} ({OneLine(reason)}): run `rhythmic lake verify`", inner);

    /// <summary>Runs <paramref name="read"/> on a lake file, turning what a missing or corrupt file throws into a <see cref="LakeFileException"/>.</summary>
    public static T Guard<T>(string path, string root, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Missing(path, root, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Parquet.ParquetFormatException)
        {
            throw Unreadable(path, root, e.Message, e);
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
