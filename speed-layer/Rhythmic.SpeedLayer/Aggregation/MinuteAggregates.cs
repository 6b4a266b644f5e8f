using Rhythmic.Core.Events;

namespace Rhythmic.SpeedLayer.Aggregation;

/// <summary>
/// The per-minute counts gathered since the last flush: deltas that a flush adds to the serving tables. Distinct
/// users are kept as the set of (minute, level, actor) seen, which the store makes additive across flushes.
/// </summary>
public sealed class MinuteAggregates
{
    /// <summary>Listens by level, gender ("" when unknown) and state.</summary>
    public Dictionary<ListenKey, long> Listens { get; } = [];
    /// <summary>Plays per song.</summary>
    public Dictionary<SongKey, long> SongPlays { get; } = [];
    /// <summary>Plays per artist.</summary>
    public Dictionary<ArtistKey, long> ArtistPlays { get; } = [];
    /// <summary>Actors seen per minute and level.</summary>
    public HashSet<ActiveKey> ActiveUsers { get; } = [];
    /// <summary>Page views by page, level and status.</summary>
    public Dictionary<PageViewKey, long> PageViews { get; } = [];
    /// <summary>Login attempts by success.</summary>
    public Dictionary<AuthKey, long> Logins { get; } = [];
    /// <summary>Level changes by direction.</summary>
    public Dictionary<LevelChangeKey, long> LevelChanges { get; } = [];
    /// <summary>Sessions started by level.</summary>
    public Dictionary<SessionKey, long> SessionsStarted { get; } = [];
    /// <summary>Events beyond the allowed lateness, per topic and minute.</summary>
    public Dictionary<LateKey, long> Late { get; } = [];

    /// <summary>Events counted in the windows since the last clear.</summary>
    public long Events { get; private set; }
    /// <summary>Late events since the last clear.</summary>
    public long LateEvents { get; private set; }

    /// <summary>Counts an on-time event into its minute.</summary>
    public void Add(EventRecord e)
    {
        var minute = e.MinuteMs;
        Events++;
        ActiveUsers.Add(e.UserId is { } user ? new ActiveKey(minute, e.Level, false, user) : new ActiveKey(minute, e.Level, true, e.SessionId));
        switch (e.Topic)
        {
            case Topics.Listen:
                Inc(Listens, new ListenKey(minute, e.Level, e.Gender ?? "", e.State));
                Inc(SongPlays, new SongKey(minute, e.Artist!, e.Song!));
                Inc(ArtistPlays, new ArtistKey(minute, e.Artist!));
                break;
            case Topics.PageView:
                Inc(PageViews, new PageViewKey(minute, e.Page!, e.Level, e.Status!.Value));
                if (e.ItemInSession == 0) Inc(SessionsStarted, new SessionKey(minute, e.Level));
                break;
            case Topics.Auth:
                Inc(Logins, new AuthKey(minute, e.Success!.Value));
                break;
            case Topics.StatusChange:
                Inc(LevelChanges, new LevelChangeKey(minute, e.Level, ToLevel(e.Level)));
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
        Listens.Clear(); SongPlays.Clear(); ArtistPlays.Clear(); ActiveUsers.Clear(); PageViews.Clear();
        Logins.Clear(); LevelChanges.Clear(); SessionsStarted.Clear(); Late.Clear();
        Events = LateEvents = 0;
    }

    private static void Inc<TKey>(Dictionary<TKey, long> map, TKey key) where TKey : notnull
        => System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(map, key, out _)++;
}
