using Rhythmic.Core.Events;

namespace Rhythmic.Simulator.Sinks;

/// <summary>
/// eventsim's file layout: one file per topic named after it (listen_events, page_view_events, auth_events,
/// status_change_events) in one directory, one JSON object per line.
/// </summary>
public sealed class JsonLinesSink : IEventSink
{
    private readonly Dictionary<string, FileStream> _files = new(StringComparer.Ordinal);
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>The directory the files are in.</summary>
    public string Directory { get; }

    /// <summary>Creates <paramref name="directory"/> if needed and truncates the four topic files.</summary>
    public JsonLinesSink(string directory)
    {
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        foreach (var topic in Topics.All)
            _files[topic] = new FileStream(Path.Combine(Directory, topic), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
    }

    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        var file = _files[topic];
        file.Write(json);
        file.Write(NewLine);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        foreach (var file in _files.Values)
        {
            await file.FlushAsync(ct);
            file.Flush(flushToDisk: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _files.Values) await file.DisposeAsync();
        _files.Clear();
    }
}
