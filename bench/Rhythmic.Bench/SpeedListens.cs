using System.Globalization;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Aggregation;

namespace Rhythmic.Bench;

/// <summary>
/// Our side of figure (d): listens_minute from a JSON-lines file of listen events, with the speed layer's parser (the
/// consumer's: fast path, the general one for what it declines) and its listens aggregate.
/// </summary>
internal static class SpeedListens
{
    /// <summary>Bytes each thread reads from the file at a time.</summary>
    private const int ChunkBytes = 1 << 20;

    /// <summary>
    /// Reads <paramref name="file"/> and counts its listens per (minute, level, gender, state) on <paramref name="threads"/>
    /// threads: the file is cut into one run of whole lines per thread, each thread reads its run chunk by chunk and counts
    /// it on its own integer-keyed aggregate, and the aggregates are merged on ids (strings are made once per distinct value).
    /// Returns the rows and the number of lines refused by the parser.
    /// </summary>
    public static (KeyValuePair<ListenKey, long>[] Rows, int Refused) Aggregate(string file, int threads)
    {
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var cuts = Cut(handle, Math.Max(1, threads));
        var parts = new (MinuteAggregates Listens, int Refused)[cuts.Length - 1];
        void Run(int i) => parts[i] = Count(handle, cuts[i], cuts[i + 1]);
        // One dedicated thread per run but the first, which this thread counts: each run surely has its own core.
        var others = Enumerable.Range(1, parts.Length - 1).Select(i => new Thread(() => Run(i)) { Name = $"speed-listens-{i}" }).ToArray();
        foreach (var t in others) t.Start();
        Run(0);
        foreach (var t in others) t.Join();
        var (total, refused) = parts[0];
        for (var i = 1; i < parts.Length; i++)
        {
            total.MergeListens(parts[i].Listens);
            refused += parts[i].Refused;
        }
        return (total.ListenRows(), refused);
    }

    /// <summary>Offsets cutting the file into <paramref name="threads"/> runs of whole lines (each cut just after a newline).</summary>
    private static long[] Cut(SafeFileHandle handle, int threads)
    {
        var length = RandomAccess.GetLength(handle);
        var cuts = new long[threads + 1];
        cuts[threads] = length;
        var probe = new byte[64 * 1024];
        for (var i = 1; i < threads; i++)
        {
            var at = Math.Max(cuts[i - 1], length * i / threads);
            cuts[i] = length;
            while (at < length)
            {
                var n = RandomAccess.Read(handle, probe, at);
                var nl = probe.AsSpan(0, n).IndexOf((byte)'\n');
                if (nl >= 0) { cuts[i] = at + nl + 1; break; }
                at += n;
            }
        }
        return cuts;
    }

    /// <summary>Counts the lines of bytes [<paramref name="start"/>, <paramref name="end"/>) of the file, read a chunk at a time.</summary>
    private static (MinuteAggregates, int) Count(SafeFileHandle handle, long start, long end)
    {
        var parser = new EventParser();
        var aggregates = new MinuteAggregates();
        var record = new EventRecord();
        var fields = new EventFields();
        var refused = 0;
        var buffer = new byte[ChunkBytes];
        var kept = 0; // bytes of an unfinished line carried over at the start of the buffer
        for (var at = start; at < end || kept > 0;)
        {
            if (kept == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
            var read = at < end ? RandomAccess.Read(handle, buffer.AsSpan(kept, (int)Math.Min(buffer.Length - kept, end - at)), at) : 0;
            at += read;
            var last = read == 0 || at >= end; // no more bytes: the carried-over line is complete
            ReadOnlySpan<byte> lines = buffer.AsSpan(0, kept + read);
            while (true)
            {
                var nl = lines.IndexOf((byte)'\n');
                if (nl < 0 && !last) break;
                var line = nl < 0 ? lines : lines[..nl];
                if (line.Length > 0)
                {
                    if (parser.TryParseFields(Topics.Listen, line, ref fields)) aggregates.AddListenOnly(line, in fields);
                    else if (parser.TryParse(Topics.Listen, line, record, out _)) aggregates.AddListenOnly(record);
                    else refused++;
                }
                if (nl < 0) { lines = default; break; }
                lines = lines[(nl + 1)..];
            }
            lines.CopyTo(buffer);
            kept = lines.Length;
            if (last) break;
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
