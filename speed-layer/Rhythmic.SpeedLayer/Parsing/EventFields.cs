namespace Rhythmic.SpeedLayer.Parsing;

/// <summary>Where a string value lies in the message it was parsed from: <c>json.Slice(Start, Length)</c>.</summary>
public readonly record struct Utf8Slice(int Start, int Length)
{
    /// <summary>The value's UTF-8 bytes in <paramref name="json"/> (the message it was parsed from).</summary>
    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> json) => json.Slice(Start, Length);
}

/// <summary>
/// The fields the speed layer aggregates on, as <see cref="SpeedParser.TryParseFields"/> leaves them: numbers parsed,
/// strings as slices of the message (valid UTF-8, no escapes), nothing allocated. The other fields were validated but
/// not kept. An absent optional field has its <c>Has*</c> false (and a zero value or an empty slice).
/// </summary>
public struct EventFields
{
    /// <summary>Event time, epoch milliseconds UTC.</summary>
    public long Ts;
    /// <summary>The session the event belongs to.</summary>
    public long SessionId;
    /// <summary>Position of the event in its session.</summary>
    public int ItemInSession;
    /// <summary>User id, when <see cref="HasUserId"/>.</summary>
    public long UserId;
    /// <summary>Registration time, epoch milliseconds UTC, when <see cref="HasUserId"/> (the user fields come together).</summary>
    public long Registration;
    /// <summary>HTTP status of a page view.</summary>
    public int Status;
    /// <summary>Whether a login succeeded (auth events).</summary>
    public bool Success;
    /// <summary>"free" or "paid".</summary>
    public Utf8Slice Level;
    /// <summary>Two-letter state code.</summary>
    public Utf8Slice State;
    /// <summary>"M" or "F", when <see cref="HasGender"/>.</summary>
    public Utf8Slice Gender;
    /// <summary>Artist of a listen or NextSong page view.</summary>
    public Utf8Slice Artist;
    /// <summary>Song title of a listen or NextSong page view.</summary>
    public Utf8Slice Song;
    /// <summary>Page of a page view.</summary>
    public Utf8Slice Page;
    /// <summary>"Logged In", "Guest", ...</summary>
    public Utf8Slice Auth;
    /// <summary>Whether the event carried a non-null userId.</summary>
    public bool HasUserId;
    /// <summary>Whether the event carried a non-null gender.</summary>
    public bool HasGender;

    /// <summary>Start of the event's one-minute window, epoch milliseconds UTC.</summary>
    public readonly long MinuteMs => Ts - (((Ts % 60_000) + 60_000) % 60_000);
}
