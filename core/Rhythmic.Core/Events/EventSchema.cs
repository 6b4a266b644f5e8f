namespace Rhythmic.Core.Events;

/// <summary>JSON/Parquet type of an event field.</summary>
public enum FieldType { Long, Int, Double, String, Bool }

/// <summary>
/// One field of an event as design.md §2 defines it. <see cref="Required"/> fields are on every event of the topic;
/// user fields are present only for logged-in (or cancelled) users; NextSong fields only on NextSong page views.
/// </summary>
public sealed record EventField(string Name, FieldType Type, bool Required);

/// <summary>The field lists of the four topics: the contract between the simulator, the speed layer, the lake and the warehouse.</summary>
public static class EventSchema
{
    private static readonly EventField[] Common =
    [
        new("ts", FieldType.Long, true), new("sessionId", FieldType.Long, true), new("level", FieldType.String, true),
        new("itemInSession", FieldType.Int, true), new("city", FieldType.String, true), new("zip", FieldType.String, true),
        new("state", FieldType.String, true), new("userAgent", FieldType.String, true),
        new("lon", FieldType.Double, true), new("lat", FieldType.Double, true),
    ];

    private static readonly EventField[] User =
    [
        new("userId", FieldType.Long, false), new("firstName", FieldType.String, false), new("lastName", FieldType.String, false),
        new("gender", FieldType.String, false), new("registration", FieldType.Long, false),
    ];

    private static readonly Dictionary<string, EventField[]> ByTopic = new()
    {
        [Topics.Listen] = [.. Common, .. User, new("artist", FieldType.String, true), new("song", FieldType.String, true),
            new("duration", FieldType.Double, true), new("auth", FieldType.String, true)],
        [Topics.PageView] = [.. Common, .. User, new("page", FieldType.String, true), new("auth", FieldType.String, true),
            new("method", FieldType.String, true), new("status", FieldType.Int, true),
            new("artist", FieldType.String, false), new("song", FieldType.String, false), new("duration", FieldType.Double, false)],
        [Topics.Auth] = [.. Common, .. User, new("success", FieldType.Bool, true)],
        [Topics.StatusChange] = [.. Common, .. User, new("auth", FieldType.String, true)],
    };

    /// <summary>The fields of <paramref name="topic"/>, in a stable order.</summary>
    public static IReadOnlyList<EventField> For(string topic)
        => ByTopic.TryGetValue(topic, out var fields) ? fields : throw new ArgumentException($"Unknown topic '{topic}'.", nameof(topic));
}
