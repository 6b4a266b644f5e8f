using System.Runtime.InteropServices;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Parsing;

namespace Rhythmic.SpeedLayer.Aggregation;

/// <summary>
/// The per-minute counts gathered since the last flush: deltas that a flush adds to the serving tables. Distinct
/// users are kept as the set of (minute, level, actor) seen, which the store makes additive across flushes.
/// Events are counted on integer keys (each string value numbered once by a <see cref="Utf8Ids"/>); the string-keyed
/// dictionaries below are built from those counts when read, i.e. once per flush rather than once per event.
/// </summary>
public sealed class MinuteAggregates
{
    private readonly Utf8Ids _levels = new(), _genders = new(), _states = new(), _artists = new(), _songs = new(), _pages = new();
    private readonly Dictionary<IdKey, long> _listens = [], _songPlays = [], _artistPlays = [], _pageViews = [], _logins = [],
        _levelChanges = [], _sessionsStarted = [];
    private readonly HashSet<IdKey> _activeUsers = [];
    private readonly Dictionary<ListenKey, long> _listensView = [];
    private readonly Dictionary<SongKey, long> _songPlaysView = [];
    private readonly Dictionary<ArtistKey, long> _artistPlaysView = [];
    private readonly HashSet<ActiveKey> _activeUsersView = [];
    private readonly Dictionary<PageViewKey, long> _pageViewsView = [];
    private readonly Dictionary<AuthKey, long> _loginsView = [];
    private readonly Dictionary<LevelChangeKey, long> _levelChangesView = [];
    private readonly Dictionary<SessionKey, long> _sessionsStartedView = [];
    private bool _viewsStale;

    /// <summary>Listens by level, gender ("" when unknown) and state.</summary>
    public Dictionary<ListenKey, long> Listens => Views()._listensView;
    /// <summary>Plays per song.</summary>
    public Dictionary<SongKey, long> SongPlays => Views()._songPlaysView;
    /// <summary>Plays per artist.</summary>
    public Dictionary<ArtistKey, long> ArtistPlays => Views()._artistPlaysView;
    /// <summary>Actors seen per minute and level, with their gender and state.</summary>
    public HashSet<ActiveKey> ActiveUsers => Views()._activeUsersView;
    /// <summary>Page views by page, level and status.</summary>
    public Dictionary<PageViewKey, long> PageViews => Views()._pageViewsView;
    /// <summary>Login attempts by success.</summary>
    public Dictionary<AuthKey, long> Logins => Views()._loginsView;
    /// <summary>Level changes by direction.</summary>
    public Dictionary<LevelChangeKey, long> LevelChanges => Views()._levelChangesView;
    /// <summary>Sessions started by level.</summary>
    public Dictionary<SessionKey, long> SessionsStarted => Views()._sessionsStartedView;
    /// <summary>Events beyond the allowed lateness, per topic and minute.</summary>
    public Dictionary<LateKey, long> Late { get; } = [];

    /// <summary>Events counted in the windows since the last clear.</summary>
    public long Events { get; private set; }
    /// <summary>Late events since the last clear.</summary>
    public long LateEvents { get; private set; }

    /// <summary>Counts an on-time event into its minute (the general path, from a parsed record).</summary>
    public void Add(EventRecord e)
    {
        var minute = e.MinuteMs;
        var level = _levels.Id(e.Level);
        Events++;
        _viewsStale = true;
        var gender = _genders.Id(e.Gender ?? "");
        var state = _states.Id(e.State);
        _activeUsers.Add(e.UserId is { } user ? ActorKey(minute, level, false, gender, state, user) : ActorKey(minute, level, true, gender, state, e.SessionId));
        switch (e.Topic)
        {
            case Topics.Listen:
                AddListen(minute, level, gender, state);
                AddPlay(minute, _artists.Id(e.Artist!), _songs.Id(e.Song!));
                break;
            case Topics.PageView:
                AddPageView(minute, _pages.Id(e.Page!), level, e.Status!.Value, e.ItemInSession);
                break;
            case Topics.Auth:
                Inc(_logins, new IdKey(minute, e.Success!.Value ? 1 : 0, 0));
                break;
            case Topics.StatusChange:
                Inc(_levelChanges, new IdKey(minute, level, 0));
                break;
        }
    }

    /// <summary>Counts an on-time event into its minute (the fast path: <paramref name="f"/> as parsed from <paramref name="json"/>).</summary>
    public void Add(string topic, ReadOnlySpan<byte> json, in EventFields f)
    {
        var minute = f.MinuteMs;
        var level = _levels.Id(f.Level.Of(json));
        Events++;
        _viewsStale = true;
        var gender = _genders.Id(f.HasGender ? f.Gender.Of(json) : default);
        var state = _states.Id(f.State.Of(json));
        _activeUsers.Add(f.HasUserId ? ActorKey(minute, level, false, gender, state, f.UserId) : ActorKey(minute, level, true, gender, state, f.SessionId));
        switch (topic)
        {
            case Topics.Listen:
                AddListen(minute, level, gender, state);
                AddPlay(minute, _artists.Id(f.Artist.Of(json)), _songs.Id(f.Song.Of(json)));
                break;
            case Topics.PageView:
                AddPageView(minute, _pages.Id(f.Page.Of(json)), level, f.Status, f.ItemInSession);
                break;
            case Topics.Auth:
                Inc(_logins, new IdKey(minute, f.Success ? 1 : 0, 0));
                break;
            case Topics.StatusChange:
                Inc(_levelChanges, new IdKey(minute, level, 0));
                break;
        }
    }

    /// <summary>Counts an event that arrived beyond the allowed lateness.</summary>
    public void AddLate(string topic, long minute)
    {
        LateEvents++;
        Inc(Late, new LateKey(topic, minute));
    }

    /// <summary>The level a status change leads to (the event carries the level before it).</summary>
    public static string ToLevel(string from) => from switch { "free" => "paid", "paid" => "free", _ => from };

    /// <summary>Forgets everything (after a flush, or when discarding).</summary>
    public void Clear()
    {
        _listens.Clear(); _songPlays.Clear(); _artistPlays.Clear(); _activeUsers.Clear(); _pageViews.Clear();
        _logins.Clear(); _levelChanges.Clear(); _sessionsStarted.Clear(); Late.Clear();
        ClearViews();
        _viewsStale = false;
        Events = LateEvents = 0;
        // Nothing refers to an id now: a good moment to bound the value tables (e.g. against an endless stream of new songs).
        if (_songs.Count + _artists.Count + _pages.Count + _states.Count + _genders.Count + _levels.Count > 1 << 20)
            foreach (var ids in (Span<Utf8Ids>)[_levels, _genders, _states, _artists, _songs, _pages]) ids.Clear();
    }

    /// <summary>
    /// An actor seen in a minute: level (15 bits) and the guest flag, gender (16 bits) and state (32 bits) packed in A,
    /// the actor in B. Gender and state are the actor's own (eventsim draws them once per user), so they do not split
    /// one actor's minute into two rows; they let the distinct users be filtered by gender and state.
    /// </summary>
    private static IdKey ActorKey(long minute, int level, bool guest, int gender, int state, long actor)
        => new(minute, ((long)state << 32) | ((long)gender << 16) | ((long)level << 1) | (guest ? 1L : 0L), actor);

    private void AddListen(long minute, int level, int gender, int state)
        => Inc(_listens, new IdKey(minute, level, IdKey.Pack(gender, state)));

    private void AddPlay(long minute, int artist, int song)
    {
        Inc(_songPlays, new IdKey(minute, artist, song));
        Inc(_artistPlays, new IdKey(minute, artist, 0));
    }

    private void AddPageView(long minute, int page, int level, int status, int itemInSession)
    {
        Inc(_pageViews, new IdKey(minute, page, IdKey.Pack(level, status)));
        if (itemInSession == 0) Inc(_sessionsStarted, new IdKey(minute, level, 0));
    }

    private void ClearViews()
    {
        _listensView.Clear(); _songPlaysView.Clear(); _artistPlaysView.Clear(); _activeUsersView.Clear(); _pageViewsView.Clear();
        _loginsView.Clear(); _levelChangesView.Clear(); _sessionsStartedView.Clear();
    }

    /// <summary>Rebuilds the string-keyed views from the integer-keyed counts if events came in since they were built.</summary>
    private MinuteAggregates Views()
    {
        if (!_viewsStale) return this;
        ClearViews();
        foreach (var (k, n) in _listens) _listensView[ListenKeyOf(k)] = n;
        foreach (var (k, n) in _songPlays) _songPlaysView[new SongKey(k.Minute, _artists[(int)k.A], _songs[(int)k.B])] = n;
        foreach (var (k, n) in _artistPlays) _artistPlaysView[new ArtistKey(k.Minute, _artists[(int)k.A])] = n;
        foreach (var k in _activeUsers)
            _activeUsersView.Add(new ActiveKey(k.Minute, _levels[(int)((k.A >> 1) & 0x7FFF)], (k.A & 1) != 0, k.B,
                _genders[(int)((k.A >> 16) & 0xFFFF)], _states[(int)(k.A >> 32)]));
        foreach (var (k, n) in _pageViews) _pageViewsView[new PageViewKey(k.Minute, _pages[(int)k.A], _levels[(int)(k.B >> 32)], (int)k.B)] = n;
        foreach (var (k, n) in _logins) _loginsView[new AuthKey(k.Minute, k.A != 0)] = n;
        foreach (var (k, n) in _levelChanges)
        {
            var from = _levels[(int)k.A];
            _levelChangesView[new LevelChangeKey(k.Minute, from, ToLevel(from))] = n;
        }
        foreach (var (k, n) in _sessionsStarted) _sessionsStartedView[new SessionKey(k.Minute, _levels[(int)k.A])] = n;
        _viewsStale = false;
        return this;
    }

    private ListenKey ListenKeyOf(IdKey k) => new(k.Minute, _levels[(int)k.A], _genders[(int)(k.B >> 32)], _states[(int)k.B]);

    private static void Inc<TKey>(Dictionary<TKey, long> map, TKey key) where TKey : notnull
        => CollectionsMarshal.GetValueRefOrAddDefault(map, key, out _)++;
}
