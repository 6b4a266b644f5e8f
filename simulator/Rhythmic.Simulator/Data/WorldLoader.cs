using System.Globalization;
using System.IO.Compression;
using System.Text;
using Rhythmic.Core;
using Rhythmic.Simulator.Model;

namespace Rhythmic.Simulator.Data;

/// <summary>
/// Builds the <see cref="World"/>: built-in tables by default; with a data directory, eventsim's own files
/// (listen_counts.txt.gz, US.txt, yob1990.txt, Top1000Surnames.csv, "user agents.txt") for each one present.
/// Text is decoded as UTF-8 unless a byte-order mark says otherwise (eventsim's user agents file is UTF-16).
/// </summary>
internal static class WorldLoader
{
    private static readonly Lazy<World> BuiltIn = new(() => Load(null));
    private static readonly Lazy<(Song[], double[])> BuiltInSongs = new(BuiltInCatalog.Generate);

    /// <summary>The built-in world (shared: it is read-only).</summary>
    public static World Default => BuiltIn.Value;

    public static World Load(string? dataDir)
    {
        if (dataDir is not null && !Directory.Exists(dataDir))
            throw new RhythmicException($"The simulator data directory '{dataDir}' does not exist.");
        string? File(string name) => dataDir is null ? null : System.IO.File.Exists(Path.Combine(dataDir, name)) ? Path.Combine(dataDir, name) : null;
        var sources = new List<string>();

        Song[] songs; double[] songWeights;
        if (File("listen_counts.txt.gz") is { } lc) { (songs, songWeights) = ListenCounts(lc); sources.Add($"songs: {lc}"); }
        else { (songs, songWeights) = BuiltInSongs.Value; sources.Add("songs: built-in"); }

        Place[] places; double[] placeWeights;
        if (File("US.txt") is { } us) { (places, placeWeights) = GeoNames(us); sources.Add($"places: {us}"); }
        else { (places, placeWeights) = BuiltInPlaces(); sources.Add("places: built-in"); }

        FirstName[] first; double[] firstWeights;
        if (File("yob1990.txt") is { } yob) { (first, firstWeights) = FirstNames(ReadLines(yob)); sources.Add($"first names: {yob}"); }
        else { (first, firstWeights) = FirstNames(EmbeddedData.ReadTsv("first-names.tsv").Select(f => string.Join(',', f))); sources.Add("first names: built-in"); }

        string[] last; double[] lastWeights;
        if (File("Top1000Surnames.csv") is { } sn) { (last, lastWeights) = Surnames(sn); sources.Add($"surnames: {sn}"); }
        else
        {
            var rows = EmbeddedData.ReadTsv("surnames.tsv").ToList();
            last = rows.Select(r => r[0]).ToArray();
            lastWeights = rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).ToArray();
            sources.Add("surnames: built-in");
        }

        string[] agents; double[] agentWeights;
        if (File("user agents.txt") is { } ua) { (agents, agentWeights) = UserAgents(ua); sources.Add($"user agents: {ua}"); }
        else
        {
            var rows = EmbeddedData.ReadTsv("user-agents.tsv").ToList();
            agents = rows.Select(r => r[0]).ToArray();
            agentWeights = rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).ToArray();
            sources.Add("user agents: built-in");
        }

        return new World
        {
            Songs = songs, SongWeights = songWeights, Places = places, PlaceWeights = placeWeights,
            FirstNames = first, FirstNameWeights = firstWeights, LastNames = last, LastNameWeights = lastWeights,
            UserAgents = agents, UserAgentWeights = agentWeights, Sources = sources,
        }.Prepare();
    }

    /// <summary>Lines of a text file, UTF-8 unless a BOM says otherwise; CR, LF and CRLF all end a line.</summary>
    internal static IEnumerable<string> ReadLines(string path) => ReadLines(System.IO.File.OpenRead(path));

    internal static IEnumerable<string> ReadLines(Stream stream)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>eventsim's listen_counts.txt.gz: track id, artist, title, duration (s), listen count; tab-separated (songs never listened to stay in the catalog, never drawn).</summary>
    private static (Song[], double[]) ListenCounts(string path)
    {
        var songs = new List<Song>();
        var weights = new List<double>();
        var n = 0;
        foreach (var line in ReadLines(new GZipStream(System.IO.File.OpenRead(path), CompressionMode.Decompress)))
        {
            n++;
            var f = line.Split('\t');
            if (f.Length < 5
                || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var duration) || duration <= 0
                || !double.TryParse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var count) || count < 0)
                continue;
            songs.Add(new Song(f[1], f[2], duration));
            weights.Add(count);
        }
        if (songs.Count == 0) throw new RhythmicException($"{path} has no usable songs (expected: id, artist, title, duration, count per line).");
        return ([.. songs], [.. weights]);
    }

    /// <summary>GeoNames US.txt: country, zip, place, state name, state code, ..., lat (col 10), lon (col 11). Military (APO/FPO) codes are skipped.</summary>
    private static (Place[], double[]) GeoNames(string path)
    {
        var places = new List<Place>();
        foreach (var line in ReadLines(path))
        {
            var f = line.Split('\t');
            if (f.Length < 11 || f[4].Length != 2 || f[4] is "AA" or "AE" or "AP") continue;
            if (!double.TryParse(f[9], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(f[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)) continue;
            places.Add(new Place(f[1], f[2], f[4], lat, lon));
        }
        if (places.Count == 0) throw new RhythmicException($"{path} has no usable places (expected GeoNames postal-code lines).");
        // US.txt carries no population: each postal code is equally likely (eventsim weighted them by a census file).
        return ([.. places], Enumerable.Repeat(1.0, places.Count).ToArray());
    }

    private static (Place[], double[]) BuiltInPlaces()
    {
        var rows = EmbeddedData.ReadTsv("places.tsv").ToList();
        var places = rows.Select(r => new Place(r[0], r[1], r[2],
            double.Parse(r[3], CultureInfo.InvariantCulture), double.Parse(r[4], CultureInfo.InvariantCulture))).ToArray();
        return (places, rows.Select(r => double.Parse(r[5], CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>SSA yobYYYY.txt lines: name, gender, count.</summary>
    private static (FirstName[], double[]) FirstNames(IEnumerable<string> lines)
    {
        var names = new List<FirstName>();
        var weights = new List<double>();
        foreach (var line in lines)
        {
            var f = line.Split(',');
            if (f.Length < 3 || f[1] is not ("M" or "F") || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var count)) continue;
            names.Add(new FirstName(f[0].Trim(), f[1]));
            weights.Add(count);
        }
        if (names.Count == 0) throw new RhythmicException("No first names found (expected name,gender,count lines).");
        return ([.. names], [.. weights]);
    }

    /// <summary>Census Top1000Surnames.csv: header, then name, rank, count, ... (names upper case; shown capitalised).</summary>
    private static (string[], double[]) Surnames(string path)
    {
        var names = new List<string>();
        var weights = new List<double>();
        foreach (var line in ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 3 || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var count)) continue;
            names.Add(Capitalise(f[0].Trim()));
            weights.Add(count);
        }
        if (names.Count == 0) throw new RhythmicException($"{path} has no surnames (expected name,rank,count,... lines).");
        return ([.. names], [.. weights]);
    }

    /// <summary>eventsim's "user agents.txt": header, then percent, weight, user agent (maybe quoted), browser, OS; tab-separated.</summary>
    private static (string[], double[]) UserAgents(string path)
    {
        var agents = new List<string>();
        var weights = new List<double>();
        foreach (var line in ReadLines(path).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length < 3 || !double.TryParse(f[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var w)) continue;
            agents.Add(f[2].Trim().Trim('"'));
            weights.Add(w);
        }
        if (agents.Count == 0) throw new RhythmicException($"{path} has no user agents.");
        return ([.. agents], [.. weights]);
    }

    private static string Capitalise(string upper)
        => upper.Length == 0 ? upper : char.ToUpperInvariant(upper[0]) + upper[1..].ToLowerInvariant();
}
