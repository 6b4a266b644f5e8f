using System.Text;
using System.Text.Json;
using Rhythmic.Core.Events;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>
/// An event as a test builds it: the fields of design.md §2, written as eventsim JSON by <see cref="ToJson"/>. Unless a
/// test says otherwise, it keeps the rules between fields: auth is "Logged In" for a user and "Guest" without one, and a
/// login succeeds exactly when it carries a user.
/// </summary>
internal sealed record TestEvent
{
    public string Topic { get; init; } = Topics.PageView;
    public long Ts { get; init; } = TestEvents.BaseTs;
    public long SessionId { get; init; } = 1;
    public string Level { get; init; } = "free";
    public int ItemInSession { get; init; }
    public string City { get; init; } = "Boston";
    public string Zip { get; init; } = "02134";
    public string State { get; init; } = "MA";
    public string UserAgent { get; init; } = "Mozilla/5.0";
    public double Lon { get; init; } = -71.1;
    public double Lat { get; init; } = 42.3;
    public long? UserId { get; init; }
    public string? Gender { get; init; }
    public string? Artist { get; init; }
    public string? Song { get; init; }
    public double? Duration { get; init; }
    public string Auth { get => _auth ?? (UserId is null ? "Guest" : "Logged In"); init => _auth = value; }
    public string Page { get; init; } = "Home";
    public int Status { get; init; } = 200;
    public bool Success { get => _success ?? UserId is not null; init => _success = value; }

    private readonly string? _auth;
    private readonly bool? _success;

    public long MinuteMs => Ts - Ts % 60_000;

    /// <summary>Kafka key: userId, or sessionId for guests.</summary>
    public byte[] Key => Encoding.UTF8.GetBytes((UserId ?? SessionId).ToString());

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("ts", Ts);
            w.WriteNumber("sessionId", SessionId);
            w.WriteString("level", Level);
            w.WriteNumber("itemInSession", ItemInSession);
            w.WriteString("city", City);
            w.WriteString("zip", Zip);
            w.WriteString("state", State);
            w.WriteString("userAgent", UserAgent);
            w.WriteNumber("lon", Lon);
            w.WriteNumber("lat", Lat);
            if (UserId is { } uid)
            {
                w.WriteNumber("userId", uid);
                w.WriteString("firstName", "Ann");
                w.WriteString("lastName", "Lee");
                w.WriteString("gender", Gender ?? "F");
                w.WriteNumber("registration", Math.Min(Ts, TestEvents.BaseTs) - 86_400_000L);
            }
            switch (Topic)
            {
                case Topics.Listen:
                    w.WriteString("artist", Artist ?? "Artist");
                    w.WriteString("song", Song ?? "Song");
                    w.WriteNumber("duration", Duration ?? 200.5);
                    w.WriteString("auth", Auth);
                    break;
                case Topics.PageView:
                    w.WriteString("page", Page);
                    w.WriteString("auth", Auth);
                    w.WriteString("method", Page == "NextSong" ? "PUT" : "GET");
                    w.WriteNumber("status", Status);
                    if (Page == "NextSong")
                    {
                        w.WriteString("artist", Artist ?? "Artist");
                        w.WriteString("song", Song ?? "Song");
                        w.WriteNumber("duration", Duration ?? 200.5);
                    }
                    break;
                case Topics.Auth:
                    w.WriteBoolean("success", Success);
                    break;
                case Topics.StatusChange:
                    w.WriteString("auth", Auth);
                    break;
            }
            w.WriteEndObject();
        }
        return ms.ToArray();
    }
}

/// <summary>Small, deterministic streams of events for tests.</summary>
internal static class TestEvents
{
    /// <summary>2024-03-01T12:00:00Z: a fixed, recent-enough event time.</summary>
    public const long BaseTs = 1_709_294_400_000;

    private static readonly string[] Levels = ["free", "paid"];
    private static readonly string[] States = ["MA", "NY", "CA", "TX"];
    private static readonly string[] Pages = ["Home", "NextSong", "Thumbs Up", "Settings", "Error"];
    private static readonly string[] Artists = ["Björk", "Muse", "Coldplay", "Daft \"Punk\""];

    /// <summary>
    /// <paramref name="count"/> events over <paramref name="minutes"/> minutes from <see cref="BaseTs"/>, in time order,
    /// spread over all four topics, a few dozen users and some guests.
    /// </summary>
    public static List<TestEvent> Stream(int count, int minutes = 5, int seed = 1)
    {
        var rnd = new Random(seed);
        var events = new List<TestEvent>(count);
        var span = minutes * 60_000L;
        for (var i = 0; i < count; i++)
        {
            var ts = BaseTs + span * i / count;
            var guest = rnd.Next(10) == 0;
            long? user = guest ? null : rnd.Next(1, 60);
            var session = guest ? 10_000 + rnd.Next(20) : user!.Value * 100 + rnd.Next(3);
            var level = Levels[(int)((user ?? session) % 2)];
            var topicPick = rnd.Next(10);
            var topic = topicPick < 4 ? Topics.Listen : topicPick < 8 ? Topics.PageView : topicPick < 9 ? Topics.Auth : Topics.StatusChange;
            var artist = Artists[rnd.Next(Artists.Length)];
            events.Add(new TestEvent
            {
                Topic = topic, Ts = ts, SessionId = session, Level = level, ItemInSession = rnd.Next(4),
                State = States[rnd.Next(States.Length)], UserId = user, Gender = user is null ? null : user % 3 == 0 ? "M" : "F",
                Artist = artist, Song = $"{artist} song {rnd.Next(5)}",
                Page = topic == Topics.Listen ? "NextSong" : Pages[rnd.Next(Pages.Length)], Status = 200,
            });
        }
        return events;
    }
}
