using System.Reflection;
using System.Runtime.InteropServices;

namespace Rhythmic.Core.Kafka;

/// <summary>
/// Finds and loads the librdkafka that setup.sh built from source, for Confluent.Kafka and for our own
/// P/Invoke into its mock-cluster API. Call <see cref="EnsureLoaded"/> before creating any Kafka client.
/// </summary>
public static class KafkaNative
{
    public const string Version = "2.15.1";
    internal const string LibraryName = "librdkafka";
    private static readonly Lock Gate = new();
    private static string? _loadedPath;
    private static IntPtr _handle;

    /// <summary>Loads librdkafka once per process and returns its path.</summary>
    public static string EnsureLoaded()
    {
        if (_loadedPath is not null) return _loadedPath;
        lock (Gate)
        {
            if (_loadedPath is not null) return _loadedPath;
            var path = Locate();
            _handle = NativeLibrary.Load(path);
            // Confluent.Kafka's Library.Load(path) dlopens through "libdl", which glibc 2.34+ systems lack as an
            // unversioned name; resolving its DllImport("librdkafka") to our handle avoids that and any search.
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
            NativeLibrary.SetDllImportResolver(typeof(KafkaNative).Assembly, Resolve);
            Confluent.Kafka.Library.Load();
            var version = Confluent.Kafka.Library.VersionString;
            if (version != Version)
                throw new RhythmicException($"librdkafka {Version} is required but {path} is {version}; run ./setup.sh.");
            _loadedPath = path;
            return path;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        => name == LibraryName ? _handle : IntPtr.Zero;

    /// <summary>Candidates: $RHYTHMIC_LIBRDKAFKA, next to the program, then the project's build cache.</summary>
    private static string Locate()
    {
        var candidates = new List<string>();
        var fromEnv = Environment.GetEnvironmentVariable("RHYTHMIC_LIBRDKAFKA");
        if (!string.IsNullOrWhiteSpace(fromEnv)) candidates.Add(fromEnv);
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "librdkafka.so"));
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            candidates.Add(Path.Combine(dir.FullName, ".local", "librdkafka", Version, "librdkafka.so"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new RhythmicException(
                $"librdkafka {Version} was not found (looked in: {string.Join(", ", candidates.Take(3))}, ...). Run ./setup.sh to build it.");
    }
}
