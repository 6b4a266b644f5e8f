namespace Rhythmic.Core.Events;

/// <summary>
/// One parsed event (design.md §2), reused from message to message by <see cref="EventParser"/>: one typed property per
/// field; a field absent from the JSON is null (or "" for the required strings of a record that failed to parse).
/// Strings come from the parser's cache, so repeated values (levels, cities, pages, artists) are not allocated again.
/// </summary>
public sealed class EventRecord
{
    /// <summary>The topic the event was read from (one of <see cref="Topics"/>).</summary>
    public string Topic { get; set; } = "";

    /// <summary>Event time, epoch milliseconds UTC.</summary>
    public long Ts { get; set; }
    /// <summary>The session the event belongs to.</summary>
    public long SessionId { get; set; }
    /// <summary>"free" or "paid" (for status changes: the level before the change).</summary>
    public string Level { get; set; } = "";
    /// <summary>Position of the event in its session, from 0.</summary>
    public int ItemInSession { get; set; }
    /// <summary>City of the user.</summary>
    public string City { get; set; } = "";
    /// <summary>Postal code, as a string (leading zeros kept).</summary>
    public string Zip { get; set; } = "";
    /// <summary>Two-letter state code.</summary>
    public string State { get; set; } = "";
    /// <summary>The user's browser user agent.</summary>
    public string UserAgent { get; set; } = "";
    /// <summary>Longitude.</summary>
    public double Lon { get; set; }
    /// <summary>Latitude.</summary>
    public double Lat { get; set; }

    /// <summary>User id; null for guests and logged-out users.</summary>
    public long? UserId { get; set; }
    /// <summary>First name (user fields only).</summary>
    public string? FirstName { get; set; }
    /// <summary>Last name (user fields only).</summary>
    public string? LastName { get; set; }
    /// <summary>"M" or "F" (user fields only).</summary>
    public string? Gender { get; set; }
    /// <summary>Registration time, epoch milliseconds UTC (user fields only).</summary>
    public long? Registration { get; set; }

    /// <summary>Artist of a listen (or of a NextSong page view).</summary>
    public string? Artist { get; set; }
    /// <summary>Song title of a listen (or of a NextSong page view).</summary>
    public string? Song { get; set; }
    /// <summary>Song duration in seconds.</summary>
    public double? Duration { get; set; }
    /// <summary>"Logged In", "Logged Out", "Guest" or "Cancelled".</summary>
    public string? Auth { get; set; }
    /// <summary>Page of a page view.</summary>
    public string? Page { get; set; }
    /// <summary>"GET" or "PUT" (page views).</summary>
    public string? Method { get; set; }
    /// <summary>HTTP status of a page view (200, 307, 404).</summary>
    public int? Status { get; set; }
    /// <summary>Whether a login succeeded (auth events).</summary>
    public bool? Success { get; set; }

    /// <summary>Start of the event's one-minute window, epoch milliseconds UTC.</summary>
    public long MinuteMs => Ts - (((Ts % 60_000) + 60_000) % 60_000);

    /// <summary>Clears every field, keeping the instance for the next message.</summary>
    public void Reset()
    {
        Ts = SessionId = 0;
        ItemInSession = 0;
        Level = City = Zip = State = UserAgent = "";
        Lon = Lat = 0;
        UserId = Registration = null;
        FirstName = LastName = Gender = Artist = Song = Auth = Page = Method = null;
        Duration = null;
        Status = null;
        Success = null;
    }
}
