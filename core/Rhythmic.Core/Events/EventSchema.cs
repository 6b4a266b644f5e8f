namespace Rhythmic.Core.Events;

/// <summary>JSON/Parquet type of an event field.</summary>
public enum FieldType { Long, Int, Double, String, Bool }

/// <summary>
/// The fields of the events, numbered: <c>EventSchema.Fields[(int)id]</c> defines field <c>id</c>, and the number is
/// the field's bit in the parsers' per-topic masks and its column in the warehouse's inputs.
/// </summary>
public enum EventFieldId
{
    /// <summary>Event time.</summary>
    Ts,
    /// <summary>Session id.</summary>
    SessionId,
    /// <summary>"free" or "paid".</summary>
    Level,
    /// <summary>Position in the session.</summary>
    ItemInSession,
    /// <summary>City of the user.</summary>
    City,
    /// <summary>Postal code.</summary>
    Zip,
    /// <summary>State code.</summary>
    State,
    /// <summary>Browser user agent.</summary>
    UserAgent,
    /// <summary>Longitude.</summary>
    Lon,
    /// <summary>Latitude.</summary>
    Lat,
    /// <summary>User id (user fields).</summary>
    UserId,
    /// <summary>First name (user fields).</summary>
    FirstName,
    /// <summary>Last name (user fields).</summary>
    LastName,
    /// <summary>Gender (user fields).</summary>
    Gender,
    /// <summary>Registration time (user fields).</summary>
    Registration,
    /// <summary>Artist of a song.</summary>
    Artist,
    /// <summary>Song title.</summary>
    Song,
    /// <summary>Song duration, seconds.</summary>
    Duration,
    /// <summary>Authentication state.</summary>
    Auth,
    /// <summary>Page of a page view.</summary>
    Page,
    /// <summary>HTTP method of a page view.</summary>
    Method,
    /// <summary>HTTP status of a page view.</summary>
    Status,
    /// <summary>Whether a login succeeded.</summary>
    Success,
}

/// <summary>
/// One field of an event as design.md §2 defines it. <see cref="Required"/> fields are on every event of the topic;
/// user fields are present only for logged-in (or cancelled) users; NextSong fields only on NextSong page views.
/// <see cref="EpochMillis"/>: a <see cref="FieldType.Long"/> holding epoch milliseconds UTC (stored as a timestamp).
/// </summary>
public sealed record EventField(EventFieldId Id, string Name, FieldType Type, bool Required, bool EpochMillis = false);

/// <summary>
/// The event contract between the simulator, the speed layer, the lake and the warehouse: every field once (name,
/// type, number), then which of them each of the four topics carries. The parsers' field tables, the lake's columns
/// and the warehouse's inputs are built from it; <c>EventContractTests</c> (and the lake's and warehouse's) fail if
/// <see cref="EventRecord"/> or any of those disagree with it.
/// </summary>
public static class EventSchema
{
    /// <summary>Every field of any topic, indexed by <see cref="EventFieldId"/> (<see cref="EventField.Required"/> is false here: see <see cref="For"/>).</summary>
    public static IReadOnlyList<EventField> Fields { get; } = Numbered(
    [
        new(EventFieldId.Ts, "ts", FieldType.Long, false, EpochMillis: true),
        new(EventFieldId.SessionId, "sessionId", FieldType.Long, false),
        new(EventFieldId.Level, "level", FieldType.String, false),
        new(EventFieldId.ItemInSession, "itemInSession", FieldType.Int, false),
        new(EventFieldId.City, "city", FieldType.String, false),
        new(EventFieldId.Zip, "zip", FieldType.String, false),
        new(EventFieldId.State, "state", FieldType.String, false),
        new(EventFieldId.UserAgent, "userAgent", FieldType.String, false),
        new(EventFieldId.Lon, "lon", FieldType.Double, false),
        new(EventFieldId.Lat, "lat", FieldType.Double, false),
        new(EventFieldId.UserId, "userId", FieldType.Long, false),
        new(EventFieldId.FirstName, "firstName", FieldType.String, false),
        new(EventFieldId.LastName, "lastName", FieldType.String, false),
        new(EventFieldId.Gender, "gender", FieldType.String, false),
        new(EventFieldId.Registration, "registration", FieldType.Long, false, EpochMillis: true),
        new(EventFieldId.Artist, "artist", FieldType.String, false),
        new(EventFieldId.Song, "song", FieldType.String, false),
        new(EventFieldId.Duration, "duration", FieldType.Double, false),
        new(EventFieldId.Auth, "auth", FieldType.String, false),
        new(EventFieldId.Page, "page", FieldType.String, false),
        new(EventFieldId.Method, "method", FieldType.String, false),
        new(EventFieldId.Status, "status", FieldType.Int, false),
        new(EventFieldId.Success, "success", FieldType.Bool, false),
    ]);

    private static readonly EventField[] Common = Of(true, EventFieldId.Ts, EventFieldId.SessionId, EventFieldId.Level, EventFieldId.ItemInSession,
        EventFieldId.City, EventFieldId.Zip, EventFieldId.State, EventFieldId.UserAgent, EventFieldId.Lon, EventFieldId.Lat);

    private static readonly EventField[] User = Of(false, EventFieldId.UserId, EventFieldId.FirstName, EventFieldId.LastName, EventFieldId.Gender,
        EventFieldId.Registration);

    private static readonly Dictionary<string, EventField[]> ByTopic = new()
    {
        [Topics.Listen] = [.. Common, .. User, .. Of(true, EventFieldId.Artist, EventFieldId.Song, EventFieldId.Duration, EventFieldId.Auth)],
        [Topics.PageView] = [.. Common, .. User, .. Of(true, EventFieldId.Page, EventFieldId.Auth, EventFieldId.Method, EventFieldId.Status),
            .. Of(false, EventFieldId.Artist, EventFieldId.Song, EventFieldId.Duration)],
        [Topics.Auth] = [.. Common, .. User, .. Of(true, EventFieldId.Success)],
        [Topics.StatusChange] = [.. Common, .. User, .. Of(true, EventFieldId.Auth)],
    };

    private static readonly EventDomains.Utf8Set Names = new(Fields.Select(f => f.Name));

    /// <summary>The fields of <paramref name="topic"/>, in a stable order.</summary>
    public static IReadOnlyList<EventField> For(string topic)
        => ByTopic.TryGetValue(topic, out var fields) ? fields : throw new ArgumentException($"Unknown topic '{topic}'.", nameof(topic));

    /// <summary>The field named <paramref name="utf8Name"/> (a JSON property name, unescaped), as an <see cref="EventFieldId"/>; -1 for an unknown name.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int FieldOf(ReadOnlySpan<byte> utf8Name) => Names.IndexOf(utf8Name);

    private static EventField[] Of(bool required, params EventFieldId[] ids) => [.. ids.Select(id => Fields[(int)id] with { Required = required })];

    private static EventField[] Numbered(EventField[] fields)
    {
        // The table is the numbering: a field out of place would give the parsers and the warehouse another field's slot.
        for (var i = 0; i < fields.Length; i++)
            if ((int)fields[i].Id != i) throw new InvalidOperationException($"EventSchema.Fields[{i}] is {fields[i].Id}: list the fields in EventFieldId's order.");
        if (fields.Length != Enum.GetValues<EventFieldId>().Length) throw new InvalidOperationException("EventSchema.Fields must define every EventFieldId.");
        return fields;
    }
}
