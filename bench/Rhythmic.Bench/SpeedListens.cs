using System.Globalization;
using System.Text.Json;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Aggregation;

namespace Rhythmic.Bench;

/// <summary>Our side of figure (d): listens_minute from a JSON-lines file of listen events, with the speed layer's parser and aggregate.</summary>
internal static class SpeedListens
{
    /// <summary>Reads <paramref name="file"/> and counts its listens per (minute, level, gender, state) on <paramref name="threads"/> threads.</summary>
    public static (Dictionary<ListenKey, long> Listens, int Refused) Aggregate(string file, int threads)
    {
        var lines = File.ReadAllBytes(file);
        if (threads <= 1) return Count(lines);
        // Cut the buffer into one run of whole lines per thread; each thread counts its own, then the counts are summed.
        var cuts = new int[threads + 1];
        cuts[threads] = lines.Length;
        for (var i = 1; i < threads; i++)
        {
            var at = Math.Max(cuts[i - 1], (int)((long)lines.Length * i / threads));
            var nl = lines.AsSpan(at).IndexOf((byte)'\n');
            cuts[i] = nl < 0 ? lines.Length : at + nl + 1;
        }
        var parts = new (Dictionary<ListenKey, long> Listens, int Refused)[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            i => parts[i] = Count(lines.AsSpan(cuts[i], cuts[i + 1] - cuts[i])));
        var (total, refused) = parts[0];
        for (var i = 1; i < threads; i++)
        {
            foreach (var (k, n) in parts[i].Listens)
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(total, k, out _) += n;
            refused += parts[i].Refused;
        }
        return (total, refused);
    }

    private static (Dictionary<ListenKey, long>, int) Count(ReadOnlySpan<byte> lines)
    {
        var parser = new EventParser();
        var aggregates = new MinuteAggregates();
        var record = new EventRecord();
        var fields = new EventFields();
        var refused = 0;
        while (lines.Length > 0)
        {
            var end = lines.IndexOf((byte)'\n');
            var line = end < 0 ? lines : lines[..end];
            if (parser.TryParseFields(Topics.Listen, line, ref fields)) aggregates.AddListenOnly(line, in fields);
            else if (parser.TryParse(Topics.Listen, line, record, out _)) aggregates.AddListenOnly(record);
            else refused++;
            lines = end < 0 ? default : lines[(end + 1)..];
        }
        return (aggregates.Listens, refused);
    }

    /// <summary>Whether our counts equal DuckDB's rows (minute_ms, level, gender, state, listens), and a word on the difference.</summary>
    public static (bool Match, string Detail) Compare(Dictionary<ListenKey, long> ours, List<JsonElement> duck)
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
        return onlyOurs == 0 && onlyDuck == 0 && a.Count == duck.Count
            ? (true, $"identical to DuckDB's {duck.Count:N0} rows")
            : (false, $"{onlyOurs:N0} of our rows and {onlyDuck:N0} of DuckDB's {duck.Count:N0} differ");
    }
}
