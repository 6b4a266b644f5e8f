using System.Globalization;
using System.Text.Json;
using System.IO.MemoryMappedFiles;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Aggregation;
using Rhythmic.SpeedLayer.Parsing;

namespace Rhythmic.Bench;

/// <summary>
/// Our side of figure (d): listens_minute from a JSON-lines file of listen events, with the speed layer's parser (the
/// consumer's: fast path, the general one for what it declines) and its way of counting (<see cref="SpeedListensCounter"/>).
/// </summary>
internal static class SpeedListens
{
    /// <summary>The most bytes looked at as one span (spans are indexed by int).</summary>
    private const int WindowBytes = 1 << 30;

    /// <summary>
    /// Reads <paramref name="file"/> (mapped into memory from the page cache) and counts its listens per (minute, level,
    /// gender, state) on <paramref name="threads"/> threads: the file is cut into one run of whole lines per thread, each
    /// thread counts its run on its own integer-keyed aggregate, and the aggregates are merged on ids (strings are made
    /// once per distinct value). Returns the rows and the number of lines the parser refused.
    /// </summary>
    public static unsafe (KeyValuePair<ListenKey, long>[] Rows, int Refused) Aggregate(string file, int threads)
    {
        var length = new FileInfo(file).Length;
        if (length == 0) return ([], 0);
        using var map = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* mapped = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref mapped);
        try
        {
            var start = (nint)(mapped + view.PointerOffset);
            var cuts = Cut((byte*)start, length, Math.Max(1, threads));
            var parts = new (SpeedListensCounter Listens, int Refused)[cuts.Length - 1];
            void Run(int i) => parts[i] = Count((byte*)start + cuts[i], cuts[i + 1] - cuts[i]);
            // One dedicated thread per run but the first, which this thread counts: each run surely has its own core.
            var others = Enumerable.Range(1, parts.Length - 1).Select(i => new Thread(() => Run(i)) { Name = $"speed-listens-{i}" }).ToArray();
            foreach (var t in others) t.Start();
            Run(0);
            foreach (var t in others) t.Join();
            var (total, refused) = parts[0];
            for (var i = 1; i < parts.Length; i++)
            {
                total.Merge(parts[i].Listens);
                refused += parts[i].Refused;
            }
            return (total.Rows(), refused);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <summary>Offsets cutting the <paramref name="length"/> bytes at <paramref name="bytes"/> into <paramref name="threads"/> runs of whole lines.</summary>
    private static unsafe long[] Cut(byte* bytes, long length, int threads)
    {
        var cuts = new long[threads + 1];
        cuts[threads] = length;
        for (var i = 1; i < threads; i++)
        {
            // Just after the first newline from an even share on (or the end if there is none).
            var at = Math.Max(cuts[i - 1], length * i / threads);
            cuts[i] = length;
            for (; at < length; at += WindowBytes)
            {
                var nl = new ReadOnlySpan<byte>(bytes + at, (int)Math.Min(WindowBytes, length - at)).IndexOf((byte)'\n');
                if (nl >= 0) { cuts[i] = at + nl + 1; break; }
            }
        }
        return cuts;
    }

    /// <summary>Counts the lines of the <paramref name="length"/> bytes at <paramref name="bytes"/> (the last one may lack its newline).</summary>
    private static unsafe (SpeedListensCounter, int) Count(byte* bytes, long length)
    {
        var parser = new SpeedParser();
        var aggregates = new SpeedListensCounter();
        var record = new EventRecord();
        var fields = new EventFields();
        var refused = 0;
        for (long done = 0; done < length;)
        {
            var window = new ReadOnlySpan<byte>(bytes + done, (int)Math.Min(WindowBytes, length - done));
            var last = done + window.Length == length;
            var lines = window;
            while (true)
            {
                var nl = lines.IndexOf((byte)'\n');
                if (nl < 0 && !last) break; // the line goes on in the next window
                var line = nl < 0 ? lines : lines[..nl];
                if (line.Length > 0)
                {
                    if (parser.TryParseFields(Topics.Listen, line, ref fields)) aggregates.Add(line, in fields);
                    else if (parser.TryParse(Topics.Listen, line, record, out _)) aggregates.Add(record);
                    else refused++;
                }
                if (nl < 0) break;
                lines = lines[(nl + 1)..];
            }
            if (last) break;
            if (lines.Length == window.Length) throw new InvalidDataException($"a line is longer than {WindowBytes} bytes");
            done += window.Length - lines.Length;
        }
        return (aggregates, refused);
    }

    /// <summary>Whether our rows equal DuckDB's rows (minute_ms, level, gender, state, listens), and a word on the difference.</summary>
    public static (bool Match, string Detail) Compare(IReadOnlyCollection<KeyValuePair<ListenKey, long>> ours, List<JsonElement> duck)
    {
        static string V(JsonElement e, string name)
        {
            var v = e.GetProperty(name);
            return v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        }
        var a = ours.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Key.Minute}|{x.Key.Level}|{x.Key.Gender}|{x.Key.State}|{x.Value}")).ToHashSet(StringComparer.Ordinal);
        var b = duck.Select(r => $"{V(r, "minute_ms")}|{V(r, "level")}|{V(r, "gender")}|{V(r, "state")}|{V(r, "listens")}").ToHashSet(StringComparer.Ordinal);
        var onlyOurs = a.Count(x => !b.Contains(x));
        var onlyDuck = b.Count(x => !a.Contains(x));
        return onlyOurs == 0 && onlyDuck == 0 && a.Count == ours.Count && a.Count == duck.Count
            ? (true, $"identical to DuckDB's {duck.Count:N0} rows")
            : (false, $"{onlyOurs:N0} of our rows and {onlyDuck:N0} of DuckDB's {duck.Count:N0} differ");
    }
}
