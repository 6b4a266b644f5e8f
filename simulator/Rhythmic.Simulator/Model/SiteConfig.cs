using System.Text.Json;
using Rhythmic.Core;

namespace Rhythmic.Simulator.Model;

/// <summary>One page state of eventsim's state machine: page, auth, level (plus the method and status fixed per page).</summary>
internal sealed class PageState(int index, string page, string auth, string level, string method, int status)
{
    public int Index { get; } = index;
    public string Page { get; } = page;
    public string Auth { get; } = auth;
    public string Level { get; } = level;
    public string Method { get; } = method;
    public int Status { get; } = status;
    public bool IsNextSong { get; } = page == "NextSong";
    public bool IsRedirect { get; } = status is >= 300 and < 400;
    public bool IsLogin { get; } = page == "Login";
    public bool IsStatusChange { get; } = page is "Submit Upgrade" or "Submit Downgrade";
    public bool ShowUser { get; set; }
    public bool IsPaid { get; } = level == "paid";

    /// <summary>Cumulative probabilities of the outgoing transitions; the rest up to 1 ends the session.</summary>
    public double[] Cumulative { get; set; } = [];
    public int[] Destinations { get; set; } = [];
    public double ContinueProbability => Cumulative.Length == 0 ? 0 : Cumulative[^1];

    public override string ToString() => $"{Page} ({Auth}, {Level})";
}

/// <summary>
/// An eventsim JSON config (its own key names: alpha, beta, damping, weekend-damping, session-gap, new-session,
/// transitions...). eventsim's files load unchanged; keys Rhythmic does not use (tag, start-date...) are accepted.
/// </summary>
internal sealed class SiteConfig
{
    public double Alpha { get; private init; } = 90;
    public double Beta { get; private init; } = 604800;
    public double Damping { get; private init; } = 0.09375;
    public double WeekendDamping { get; private init; } = 0.5;
    public int WeekendDampingOffsetMinutes { get; private init; } = 180;
    public int WeekendDampingScaleMinutes { get; private init; } = 360;
    public int SessionGapSeconds { get; private init; } = 1800;
    public string ChurnedState { get; private init; } = "Cancelled";
    public long? Seed { get; private init; }
    public string NewUserAuth { get; private init; } = "Guest";
    public string NewUserLevel { get; private init; } = "free";
    public IReadOnlyList<PageState> States => _states;
    public (string Level, double Weight)[] Levels { get; private set; } = [];
    public (string Auth, double Weight)[] Auths { get; private set; } = [];
    /// <summary>Start-state weights per (auth, level).</summary>
    public Dictionary<(string Auth, string Level), (int[] States, double[] Weights)> NewSession { get; } = new();
    /// <summary>Pages that appear anywhere in the state machine.</summary>
    public HashSet<string> Pages { get; } = new(StringComparer.Ordinal);

    private readonly List<PageState> _states = [];
    private readonly Dictionary<(string, string, string), PageState> _byKey = new();

    /// <summary>The built-in default: a verbatim copy of eventsim's example config.</summary>
    public static SiteConfig Default() => Parse(EmbeddedData.ReadText("eventsim-example-config.json"), "built-in eventsim example config");

    public static SiteConfig Load(string path)
    {
        if (!File.Exists(path)) throw new RhythmicException($"The simulator config '{path}' does not exist.");
        return Parse(File.ReadAllText(path), path);
    }

    public static SiteConfig Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return FromJson(doc.RootElement, source);
        }
        catch (JsonException e)
        {
            throw new RhythmicException($"The simulator config {source} is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new RhythmicException($"The simulator config {source} is not in eventsim's format: {e.Message}");
        }
    }

    private static SiteConfig FromJson(JsonElement root, string source)
    {
        double Num(string key, double fallback) => root.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        string Str(string key, string fallback) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;
        var config = new SiteConfig
        {
            Alpha = Num("alpha", 90), Beta = Num("beta", 604800), Damping = Num("damping", 0.09375),
            WeekendDamping = Num("weekend-damping", 0.5),
            WeekendDampingOffsetMinutes = (int)Num("weekend-damping-offset", 180),
            WeekendDampingScaleMinutes = (int)Num("weekend-damping-scale", 360),
            SessionGapSeconds = (int)Num("session-gap", 1800),
            ChurnedState = Str("churned-state", "Cancelled"),
            Seed = root.TryGetProperty("seed", out var seed) ? seed.GetInt64() : null,
            NewUserAuth = Str("new-user-auth", "Guest"), NewUserLevel = Str("new-user-level", "free"),
            Levels = Weighted(root, "levels", "level"), Auths = Weighted(root, "auths", "auth"),
        };
        var show = new Dictionary<string, bool>(StringComparer.Ordinal) { ["Logged In"] = true, ["Cancelled"] = true };
        if (root.TryGetProperty("show-user-details", out var details))
            foreach (var d in details.EnumerateArray()) show[d.GetProperty("auth").GetString()!] = d.GetProperty("show").GetBoolean();

        var transitions = new Dictionary<PageState, List<(PageState Dest, double P)>>();
        foreach (var section in new[] { "transitions", "upgrades", "downgrades" })
        {
            if (!root.TryGetProperty(section, out var list)) continue;
            foreach (var t in list.EnumerateArray())
            {
                var src = config.StateOf(t.GetProperty("source"));
                var dest = config.StateOf(t.GetProperty("dest"));
                var p = t.GetProperty("p").GetDouble();
                if (!transitions.TryGetValue(src, out var outs)) transitions[src] = outs = [];
                outs.Add((dest, p));
            }
        }
        if (root.TryGetProperty("new-session", out var starts))
        {
            var byKey = new Dictionary<(string, string), (List<int>, List<double>)>();
            foreach (var s in starts.EnumerateArray())
            {
                var state = config.StateOf(s);
                var key = (state.Auth, state.Level);
                if (!byKey.TryGetValue(key, out var l)) byKey[key] = l = ([], []);
                l.Item1.Add(state.Index);
                l.Item2.Add(s.GetProperty("weight").GetDouble());
            }
            foreach (var (k, (states, weights)) in byKey) config.NewSession[k] = ([.. states], [.. weights]);
        }
        foreach (var state in config._states)
        {
            state.ShowUser = show.TryGetValue(state.Auth, out var sh) && sh;
            if (!transitions.TryGetValue(state, out var outs)) continue;
            var cum = new double[outs.Count];
            var acc = 0.0;
            for (var i = 0; i < outs.Count; i++) { acc += outs[i].P; cum[i] = acc; }
            if (acc > 1.0 + 1e-9)
                throw new RhythmicException($"The simulator config {source}: transitions from {state} sum to {acc}, more than 1.");
            state.Cumulative = cum;
            state.Destinations = outs.Select(o => o.Dest.Index).ToArray();
        }
        if (config.NewSession.Count == 0) throw new RhythmicException($"The simulator config {source} has no new-session states.");
        if (config.Levels.Length == 0) config.Levels = [("free", 1)];
        if (config.Auths.Length == 0) config.Auths = [("Logged In", 1)];
        return config;
    }

    private static (string, double)[] Weighted(JsonElement root, string key, string name)
        => root.TryGetProperty(key, out var list)
            ? list.EnumerateArray().Select(e => (e.GetProperty(name).GetString()!, e.GetProperty("weight").GetDouble())).ToArray()
            : [];

    private PageState StateOf(JsonElement e)
    {
        var page = e.GetProperty("page").GetString()!;
        var auth = e.GetProperty("auth").GetString()!;
        var level = e.GetProperty("level").GetString()!;
        if (_byKey.TryGetValue((page, auth, level), out var s)) return s;
        var method = e.TryGetProperty("method", out var m) ? m.GetString()! : "GET";
        var status = e.TryGetProperty("status", out var st) ? st.GetInt32() : 200;
        s = new PageState(_states.Count, page, auth, level, method, status);
        _states.Add(s);
        _byKey[(page, auth, level)] = s;
        Pages.Add(page);
        return s;
    }
}
