using System.Text;

namespace Rhythmic.Warehouse;

/// <summary>Reuses the string of repeated UTF-8 values (levels, cities, songs, agents repeat a lot), so staging allocates little.</summary>
internal sealed class StringCache
{
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly char[] _chars = new char[512];   // one decoder thread uses a cache at a time; a stackalloc would be zeroed per call

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 512) return Encoding.UTF8.GetString(utf8);
        var chars = _chars.AsSpan();
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..n], out var known)) return known;
        if (_strings.Count > 500_000) _strings.Clear();
        var value = new string(chars[..n]);
        _strings.Add(value);
        return value;
    }
}

/// <summary>The few level values ("free", "paid") as strings, found by a scan of their bytes: cheaper than a hash lookup for so few.</summary>
internal sealed class LevelStrings
{
    private readonly List<(byte[] Utf8, string Value)> _levels = [];

    public string Of(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, value) in _levels)
            if (utf8.SequenceEqual(bytes)) return value;
        var level = Encoding.UTF8.GetString(utf8);
        _levels.Add((utf8.ToArray(), level));
        return level;
    }
}
