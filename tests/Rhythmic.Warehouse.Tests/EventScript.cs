namespace Rhythmic.Warehouse.Tests;

/// <summary>
/// Writes small, hand-shaped event streams the way the simulator does: every event is a page view; NextSong also a
/// listen, Login also an auth event, Submit Upgrade/Downgrade also a status change (whose level is the one before).
/// </summary>
/// <param name="catalog">How many distinct songs the song numbers name: the three of <see cref="Songs"/>, then made-up ones.</param>
internal sealed class EventScript(int catalog = 3)
{
    private readonly List<StagedEvent> _events = [];
    private readonly Dictionary<long, int> _items = [];

    public IReadOnlyList<StagedEvent> Events => _events;

    public static readonly (string City, string State, string Zip, double Lat, double Lon)[] Places =
    [
        ("Boston", "MA", "02108", 42.3588, -71.0707), ("Austin", "TX", "78701", 30.2711, -97.7437), ("Newark", "NJ", "07102", 40.7357, -74.1724),
    ];

    public static readonly (string Artist, string Title, double Duration)[] Songs =
    [
        ("Björk", "Jóga", 305.3), ("Kings Of Leon", "Use Somebody", 230.0), ("Dwight Yoakam", "You're The One", 239.3),
    ];

    /// <summary>One event of a user (or a guest when <paramref name="userId"/> is null) at <paramref name="ts"/>.</summary>
    public EventScript Page(DateTime ts, long sessionId, long? userId, string level, string page, int song = 0, int place = 0, bool success = true, string? lastName = null,
        string? userAgent = "Mozilla/5.0")
    {
        var item = _items[sessionId] = _items.GetValueOrDefault(sessionId) + 1;
        var p = Places[place % Places.Length];
        var s = SongOf(song % catalog);
        var isSong = page == "NextSong";
        StagedEvent Make(string topic) => new()
        {
            Topic = topic, Ts = ts, SessionId = sessionId, Level = level, ItemInSession = item, City = p.City, State = p.State,
            Zip = p.Zip, Lat = p.Lat, Lon = p.Lon, UserAgent = userAgent, UserId = userId,
            FirstName = userId is null ? null : $"First{userId}", LastName = userId is null ? null : lastName ?? $"Last{userId}",
            Gender = userId is null ? null : (userId % 2 == 0 ? "F" : "M"),
            Registration = userId is null ? null : new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Artist = isSong ? s.Artist : null, Song = isSong ? s.Title : null, Duration = isSong ? s.Duration : null,
            Auth = userId is null ? "Guest" : "Logged In", Page = page,
            Method = page is "NextSong" or "Login" or "Submit Upgrade" or "Submit Downgrade" ? "PUT" : "GET",
            Status = page is "Login" or "Submit Upgrade" or "Submit Downgrade" ? 307 : 200,
            Success = topic == "auth_events" ? success : null,
        };
        _events.Add(Make("page_view_events"));
        if (isSong) _events.Add(Make("listen_events"));
        if (page == "Login") _events.Add(Make("auth_events"));
        if (page is "Submit Upgrade" or "Submit Downgrade") _events.Add(Make("status_change_events"));
        return this;
    }

    private static (string Artist, string Title, double Duration) SongOf(int n)
        => n < Songs.Length ? Songs[n] : ($"Artist {n % 7}", $"Song {n}", 180.5 + n);

    /// <summary>A session of <paramref name="songs"/> songs, one every 3 minutes from <paramref name="start"/>, after a Home page.</summary>
    public EventScript Session(DateTime start, long sessionId, long? userId, string level, int songs, int place = 0, string? lastName = null)
    {
        Page(start, sessionId, userId, level, "Home", place: place, lastName: lastName);
        for (var i = 0; i < songs; i++)
            Page(start.AddSeconds(1 + 180 * i), sessionId, userId, level, "NextSong", song: (int)(sessionId + i), place: place, lastName: lastName);
        return this;
    }
}
