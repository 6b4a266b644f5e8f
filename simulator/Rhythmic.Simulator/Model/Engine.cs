using Rhythmic.Core.Events;
using Rhythmic.Simulator.Data;
using Rhythmic.Simulator.Json;

namespace Rhythmic.Simulator.Model;

/// <summary>An extra page after a NextSong (Interana's configs): Thumbs Up/Down, Add to Playlist, Add Friend, Roll Advert.</summary>
internal sealed record InteractionPage(string Page, string Method, int Status, double Probability, bool FreeOnly)
{
    public byte[] PageJson { get; } = JsonText.StringField("page", Page);
    public byte[] MethodStatusJson { get; } = [.. JsonText.StringField("method", Method), .. JsonText.Raw($",\"status\":{Status}")];
    public bool IsRedirect => Status is >= 300 and < 400;
}

/// <summary>
/// The shared, read-only model of a run (config, data, time model) and eventsim's rules for one user's next step.
/// Every draw for a user comes from that user's own random stream, so a user's events do not depend on the others.
/// </summary>
internal sealed class Engine
{
    public const long SecondsPerYear = 31_556_952;
    /// <summary>How long before the start a user's first session may begin (longer sessions are very rare).</summary>
    private const long WarmUpMs = 12 * 3_600_000L;
    private static readonly double SqrtE = Math.Exp(0.5);

    public SiteConfig Config { get; }
    public World World { get; }
    public TimeModel Time { get; }
    public long Seed { get; }
    public long FromMs { get; }
    public long ToMs { get; }
    public double AttritionRate { get; }
    public PageState[] States { get; }
    public InteractionPage[] Interactions { get; }

    private readonly (AliasTable Table, int[] States)?[] _newSessionByState;
    private readonly Dictionary<(string, string), (AliasTable, int[])> _newSession = new();
    private readonly AliasTable _levels, _auths;
    private readonly long _sessionGapMs;
    private readonly byte[][] _pageJson, _authJson, _methodStatusJson, _levelJson;

    public Engine(SiteConfig config, World world, long seed, long fromMs, long toMs, double attritionRate, bool interactions)
    {
        Config = config; World = world; Seed = seed; FromMs = fromMs; ToMs = toMs; AttritionRate = attritionRate;
        Time = new TimeModel(config);
        States = [.. config.States];
        _sessionGapMs = config.SessionGapSeconds * 1000L;
        foreach (var (key, (states, weights)) in config.NewSession) _newSession[key] = (new AliasTable(weights), states);
        _newSessionByState = States.Select(s => _newSession.TryGetValue((s.Auth, s.Level), out var t) ? t : ((AliasTable, int[])?)null).ToArray();
        _levels = new AliasTable(config.Levels.Select(l => l.Weight).ToArray());
        _auths = new AliasTable(config.Auths.Select(a => a.Weight).ToArray());
        _pageJson = States.Select(s => JsonText.StringField("page", s.Page)).ToArray();
        _authJson = States.Select(s => JsonText.StringField("auth", s.Auth)).ToArray();
        _methodStatusJson = States.Select(s => (byte[])[.. JsonText.StringField("method", s.Method), .. JsonText.Raw($",\"status\":{s.Status}")]).ToArray();
        _levelJson = States.Select(s => JsonText.StringField("level", s.Level)).ToArray();
        // Shares per NextSong follow the Sparkify sample of eventsim with Interana's config (per 100 NextSongs:
        // ~5.5 Thumbs Up, 1.1 Thumbs Down, 2.9 Add to Playlist, 1.9 Add Friend; Roll Advert ~8 per 100 free NextSongs).
        InteractionPage[] all =
        [
            new("Thumbs Up", "PUT", 307, 0.055, false), new("Thumbs Down", "PUT", 307, 0.011, false),
            new("Add to Playlist", "PUT", 200, 0.029, false), new("Add Friend", "PUT", 307, 0.019, false),
            new("Roll Advert", "GET", 200, 0.08, true),
        ];
        Interactions = interactions ? all.Where(i => !config.Pages.Contains(i.Page)).ToArray() : [];
    }

    // ---- users ----

    /// <summary>A user present at the start: auth and level drawn from the config's weights, first session in steady state.</summary>
    public UserState InitialUser(long userId)
    {
        var u = NewUser(userId);
        var auth = Config.Auths[_auths.Next(ref u.Rng)].Auth;
        var level = Config.Levels[_levels.Next(ref u.Rng)].Level;
        // eventsim: start two betas early and step forward until within one beta of the start, so sessions are spread
        // as in a long-running system (events before the start are generated but not written).
        // Sessions that start more than WarmUp before the start would write nothing, so they are skipped rather than
        // generated (the next start then counts from this start, not from its end: a shift of minutes in a week).
        var candidate = NextSessionStart(u, FromMs - 2 * (long)u.BetaMs);
        while (candidate < FromMs - Math.Min((long)u.BetaMs, WarmUpMs)) candidate = NextSessionStart(u, candidate);
        var sinceRegistration = (long)Math.Min(u.Rng.Exponential(SecondsPerYear * 1000.0), 5.0 * SecondsPerYear * 1000);
        u.Registration = Math.Min(candidate, FromMs) - sinceRegistration;
        StartSession(u, candidate, auth, level);
        return u;
    }

    /// <summary>A new user arriving at <paramref name="arrivalMs"/>: a guest on the free level (the config's new-user auth and level).</summary>
    public UserState ArrivingUser(long userId, long arrivalMs)
    {
        var u = NewUser(userId);
        u.Registration = arrivalMs;
        StartSession(u, arrivalMs, Config.NewUserAuth, Config.NewUserLevel);
        return u;
    }

    private UserState NewUser(long userId)
    {
        var u = new UserState { UserId = userId, Rng = new Rng(Seed, userId) };
        u.AlphaMs = Config.Alpha * 1000 * Math.Exp(u.Rng.Gaussian()) / SqrtE;
        u.BetaMs = Config.Beta * 1000 * Math.Exp(u.Rng.Gaussian()) / SqrtE;
        u.Place = World.PlaceTable.Next(ref u.Rng);
        u.FirstName = World.FirstNameTable.Next(ref u.Rng);
        u.LastName = World.LastNameTable.Next(ref u.Rng);
        u.Agent = World.UserAgentTable.Next(ref u.Rng);
        u.LocalOffsetMs = World.Places[u.Place].UtcOffsetHours * 3_600_000L;
        return u;
    }

    /// <summary>eventsim's next session start: exponential(beta) + session gap, warped by the daily cycle, thinned on weekends and holidays.</summary>
    public long NextSessionStart(UserState u, long lastMs)
    {
        for (var guard = 0; guard < 10_000; guard++)
        {
            var gap = (long)u.Rng.Exponential(u.BetaMs) + _sessionGapMs;
            var local = Time.Warp(lastMs + gap + u.LocalOffsetMs);
            var next = local - u.LocalOffsetMs;
            if (next < lastMs) { lastMs += _sessionGapMs; continue; }   // the warp moved it backwards: force progress
            var damping = Time.WeekendDamping(local);
            if (damping > 0 && u.Rng.NextDouble() >= 1.0 - damping) { lastMs = next; continue; }
            return next;
        }
        return lastMs + _sessionGapMs;
    }

    private void StartSession(UserState u, long startMs, string auth, string level)
    {
        if (!_newSession.TryGetValue((auth, level), out var gen)) { u.Churned = true; return; }
        BeginSession(u, startMs, gen);
    }

    private void BeginSession(UserState u, long startMs, (AliasTable Table, int[] States) gen)
    {
        u.SessionSeq++;
        u.SessionId = u.UserId * 1_000_000 + u.SessionSeq;
        u.Item = 0;
        u.NextTs = startMs;
        u.PrevState = -1;
        u.Interaction = -1;
        u.State = gen.States[gen.Table.Next(ref u.Rng)];
        if (States[u.State].IsNextSong) NewSong(u, startMs);
        else u.Song = -1;
    }

    private void NewSong(UserState u, long startMs)
    {
        u.Song = World.SongTable.Next(ref u.Rng);
        u.SongEnd = startMs + World.Songs[u.Song].DurationMs;
    }

    // ---- one step ----

    /// <summary>Moves <paramref name="u"/> to its next event (or next session, or churn).</summary>
    public void Advance(UserState u)
    {
        var state = States[u.State];
        if (u.Interaction >= 0)
        {
            var interaction = Interactions[u.Interaction];
            u.Interaction = -1;
            Transition(u, state, u.NextTs, interaction.IsRedirect);
            return;
        }
        if (state.IsNextSong && Interactions.Length > 0 && state.ShowUser)
        {
            var x = u.Rng.NextDouble();
            for (var i = 0; i < Interactions.Length; i++)
            {
                var it = Interactions[i];
                if (it.FreeOnly && state.IsPaid) continue;
                if (x < it.Probability)
                {
                    u.Interaction = i;
                    u.Item++;
                    var window = Math.Max(1000, Math.Min(30_000, World.Songs[u.Song].DurationMs - 2000));
                    u.NextTs += 1000 + (long)(u.Rng.NextDouble() * window);
                    return;
                }
                x -= it.Probability;
            }
        }
        Transition(u, state, u.NextTs, state.IsRedirect);
    }

    private void Transition(UserState u, PageState state, long at, bool afterRedirect)
    {
        var x = u.Rng.NextDouble();
        var cum = state.Cumulative;
        var next = -1;
        for (var i = 0; i < cum.Length; i++)
            if (x < cum[i]) { next = state.Destinations[i]; break; }
        if (next < 0) { EndSession(u, state, at); return; }
        var dest = States[next];
        long ts;
        // A NextSong waits for the current song to end; the page a redirect (3xx) leads to comes one second after it;
        // anything else comes after an exponential gap with the user's mean alpha.
        if (dest.IsNextSong && u.Song >= 0 && at < u.SongEnd) ts = u.SongEnd;
        else if (afterRedirect) ts = at + 1000;
        else ts = at + (long)u.Rng.Exponential(u.AlphaMs);
        if (dest.IsNextSong) NewSong(u, ts);
        u.PrevState = u.State;
        u.State = next;
        u.Item++;
        u.NextTs = ts;
    }

    private void EndSession(UserState u, PageState state, long at)
    {
        if (state.Auth == Config.ChurnedState) { u.Churned = true; return; }
        if (AttritionRate > 0)
        {
            var p = 1.0 - Math.Exp(-AttritionRate * (u.BetaMs + _sessionGapMs) / (SecondsPerYear * 1000.0));
            if (u.Rng.NextDouble() < p) { u.Churned = true; return; }
        }
        var gen = _newSessionByState[state.Index];
        if (gen is null) { u.Churned = true; return; }
        BeginSession(u, NextSessionStart(u, at), gen.Value);
    }

    // ---- output ----

    internal const byte PageViewTopic = 0, ListenTopic = 1, AuthTopic = 2, StatusChangeTopic = 3;
    internal static readonly string[] TopicNames = [Topics.PageView, Topics.Listen, Topics.Auth, Topics.StatusChange];

    private static ReadOnlySpan<byte> TsOpen => "{\"ts\":"u8;
    private static ReadOnlySpan<byte> TsMid => ",\"ts\":"u8;
    private static ReadOnlySpan<byte> SessionIdField => ",\"sessionId\":"u8;
    private static ReadOnlySpan<byte> ItemField => ",\"itemInSession\":"u8;
    private static ReadOnlySpan<byte> UserIdField => ",\"userId\":"u8;
    private static ReadOnlySpan<byte> RegistrationField => ",\"registration\":"u8;
    private static ReadOnlySpan<byte> SuccessTrue => ",\"success\":true}"u8;
    private static ReadOnlySpan<byte> SuccessFalse => ",\"success\":false}"u8;

    /// <summary>Writes the current event of <paramref name="u"/>: its page view, and its listen, status change or auth event.</summary>
    public void Emit(UserState u, EventBatch batch, ref Counts counts)
    {
        batch.EnsureRoom();
        var state = States[u.State];
        var show = state.ShowUser;
        var interaction = u.Interaction >= 0 ? Interactions[u.Interaction] : null;

        WritePageView(u, state, interaction, show, batch);
        counts.PageViews++;
        if (interaction is not null) return;
        if (state.IsNextSong) { WriteListen(u, state, show, batch); counts.Listens++; }
        else if (state.IsStatusChange) { WriteStatusChange(u, state, show, batch); counts.StatusChanges++; }
        if (u.PrevState >= 0 && States[u.PrevState].IsLogin) { WriteAuth(u, state, show, batch); counts.Auth++; }
    }

    private int Begin(UserState u, bool show, EventBatch batch, out int jsonStart)
    {
        var start = batch.Length;
        var buf = batch.Data.AsSpan();
        var pos = start;
        JsonText.PutLong(buf, ref pos, show ? u.UserId : u.SessionId);
        jsonStart = pos;
        return start;
    }

    private static void Commit(UserState u, EventBatch batch, int start, int jsonStart, int end, byte topic)
    {
        ref var r = ref batch.Records[batch.Count++];
        r.Ts = u.NextTs; r.UserId = u.UserId; r.Offset = start; r.KeyLength = jsonStart - start; r.JsonLength = end - jsonStart; r.Topic = topic;
        batch.Length = end;
    }

    private void Device(UserState u, Span<byte> buf, ref int pos)
    {
        var place = World.Places[u.Place];
        JsonText.Put(buf, ref pos, place.CityZipState);
        JsonText.Put(buf, ref pos, World.UserAgentJson[u.Agent]);
        JsonText.Put(buf, ref pos, place.LonLat);
    }

    private void User(UserState u, Span<byte> buf, ref int pos)
    {
        JsonText.Put(buf, ref pos, UserIdField);
        JsonText.PutLong(buf, ref pos, u.UserId);
        JsonText.Put(buf, ref pos, World.LastNameJson[u.LastName]);
        JsonText.Put(buf, ref pos, World.FirstNames[u.FirstName].Json);
        JsonText.Put(buf, ref pos, RegistrationField);
        JsonText.PutLong(buf, ref pos, u.Registration);
    }

    private void Head(UserState u, Span<byte> buf, ref int pos)
    {
        JsonText.Put(buf, ref pos, TsOpen);
        JsonText.PutLong(buf, ref pos, u.NextTs);
        JsonText.Put(buf, ref pos, SessionIdField);
        JsonText.PutLong(buf, ref pos, u.SessionId);
    }

    private static void ItemInSession(UserState u, Span<byte> buf, ref int pos)
    {
        JsonText.Put(buf, ref pos, ItemField);
        JsonText.PutLong(buf, ref pos, u.Item);
    }

    private void WritePageView(UserState u, PageState state, InteractionPage? interaction, bool show, EventBatch batch)
    {
        var start = Begin(u, show, batch, out var pos);
        var jsonStart = pos;
        var buf = batch.Data.AsSpan();
        Head(u, buf, ref pos);
        JsonText.Put(buf, ref pos, interaction?.PageJson ?? _pageJson[state.Index]);
        JsonText.Put(buf, ref pos, _authJson[state.Index]);
        JsonText.Put(buf, ref pos, interaction?.MethodStatusJson ?? _methodStatusJson[state.Index]);
        JsonText.Put(buf, ref pos, _levelJson[state.Index]);
        ItemInSession(u, buf, ref pos);
        Device(u, buf, ref pos);
        if (show) User(u, buf, ref pos);
        if (interaction is null && state.IsNextSong) JsonText.Put(buf, ref pos, World.Songs[u.Song].Json);
        buf[pos++] = (byte)'}';
        Commit(u, batch, start, jsonStart, pos, PageViewTopic);
    }

    private void WriteListen(UserState u, PageState state, bool show, EventBatch batch)
    {
        var start = Begin(u, show, batch, out var pos);
        var jsonStart = pos;
        var buf = batch.Data.AsSpan();
        buf[pos++] = (byte)'{';
        JsonText.Put(buf, ref pos, World.Songs[u.Song].JsonFirst);
        JsonText.Put(buf, ref pos, TsMid);
        JsonText.PutLong(buf, ref pos, u.NextTs);
        JsonText.Put(buf, ref pos, SessionIdField);
        JsonText.PutLong(buf, ref pos, u.SessionId);
        JsonText.Put(buf, ref pos, _authJson[state.Index]);
        JsonText.Put(buf, ref pos, _levelJson[state.Index]);
        ItemInSession(u, buf, ref pos);
        Device(u, buf, ref pos);
        if (show) User(u, buf, ref pos);
        buf[pos++] = (byte)'}';
        Commit(u, batch, start, jsonStart, pos, ListenTopic);
    }

    private void WriteStatusChange(UserState u, PageState state, bool show, EventBatch batch)
    {
        var start = Begin(u, show, batch, out var pos);
        var jsonStart = pos;
        var buf = batch.Data.AsSpan();
        Head(u, buf, ref pos);
        JsonText.Put(buf, ref pos, _authJson[state.Index]);
        JsonText.Put(buf, ref pos, _levelJson[state.Index]);   // the level before the change, as in eventsim
        ItemInSession(u, buf, ref pos);
        Device(u, buf, ref pos);
        if (show) User(u, buf, ref pos);
        buf[pos++] = (byte)'}';
        Commit(u, batch, start, jsonStart, pos, StatusChangeTopic);
    }

    private void WriteAuth(UserState u, PageState state, bool show, EventBatch batch)
    {
        var start = Begin(u, show, batch, out var pos);
        var jsonStart = pos;
        var buf = batch.Data.AsSpan();
        Head(u, buf, ref pos);
        JsonText.Put(buf, ref pos, _levelJson[state.Index]);
        ItemInSession(u, buf, ref pos);
        Device(u, buf, ref pos);
        if (show) User(u, buf, ref pos);
        JsonText.Put(buf, ref pos, state.Auth == "Logged In" ? SuccessTrue : SuccessFalse);
        Commit(u, batch, start, jsonStart, pos, AuthTopic);
    }
}

/// <summary>Events written per topic.</summary>
internal struct Counts
{
    public long PageViews, Listens, Auth, StatusChanges;
    public readonly long Total => PageViews + Listens + Auth + StatusChanges;

    public void Add(in Counts other)
    {
        PageViews += other.PageViews; Listens += other.Listens; Auth += other.Auth; StatusChanges += other.StatusChanges;
    }
}
