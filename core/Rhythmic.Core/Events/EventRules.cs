using System.Runtime.CompilerServices;

namespace Rhythmic.Core.Events;

/// <summary>What a complete, in-domain event may still get wrong between its fields.</summary>
public enum FieldMismatch
{
    /// <summary>The fields agree.</summary>
    None,
    /// <summary>Some user fields but not all.</summary>
    UserFieldsIncomplete,
    /// <summary>User fields on an event whose auth (or failed login) carries none.</summary>
    UserFieldsUnexpected,
    /// <summary>No user fields on an event whose auth (or successful login) carries them.</summary>
    UserFieldsMissing,
    /// <summary>Registered after the event.</summary>
    RegistrationAfterTs,
    /// <summary>A NextSong page view without all of artist, song and duration.</summary>
    SongFieldsMissing,
    /// <summary>Another page view with some of them.</summary>
    SongFieldsUnexpected,
}

/// <summary>
/// The domain rules of every field (<see cref="EventDomains"/> holds the tables) and the rules between fields. Both
/// parsers call these same functions: core's <see cref="EventParser.TryParse"/> to give a dead letter its reason, the
/// speed layer's fast path to decline what TryParse would refuse. Only TryParse ever words a reason, so the speed layer
/// and the lake reject a message with the same one.
/// </summary>
public static class EventRules
{
    /// <summary>The user fields, as a mask over <see cref="EventFieldId"/>: all or none.</summary>
    public const int UserFields = (1 << (int)EventFieldId.UserId) | (1 << (int)EventFieldId.FirstName) | (1 << (int)EventFieldId.LastName)
        | (1 << (int)EventFieldId.Gender) | (1 << (int)EventFieldId.Registration);

    /// <summary>The fields of a song (on NextSong page views only, among page views).</summary>
    public const int SongFields = (1 << (int)EventFieldId.Artist) | (1 << (int)EventFieldId.Song) | (1 << (int)EventFieldId.Duration);

    /// <summary>The string fields whose domain is more than "not empty" (the others take the default case of <see cref="InDomain(EventFieldId, ReadOnlySpan{byte})"/>).</summary>
    public const int ListedStringFields = (1 << (int)EventFieldId.Level) | (1 << (int)EventFieldId.Auth) | (1 << (int)EventFieldId.Page)
        | (1 << (int)EventFieldId.Method) | (1 << (int)EventFieldId.Gender) | (1 << (int)EventFieldId.State);

    /// <summary>Whether the UTF-8 value (unescaped) of string field <paramref name="f"/> lies in its domain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InDomain(EventFieldId f, ReadOnlySpan<byte> v) => f switch
    {
        EventFieldId.Level => EventDomains.LevelSet.Contains(v),
        EventFieldId.Auth => EventDomains.AuthSet.Contains(v),
        EventFieldId.Page => EventDomains.PageSet.Contains(v),
        EventFieldId.Method => EventDomains.MethodSet.Contains(v),
        EventFieldId.Gender => EventDomains.GenderSet.Contains(v),
        EventFieldId.State => EventDomains.IsStateCode(v),
        _ => !v.IsEmpty, // city, zip, userAgent, firstName, lastName, artist, song: any text but none
    };

    /// <summary>Whether integer field <paramref name="f"/>'s value lies in its domain (ts and registration are checked against bounds and each other later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InDomain(EventFieldId f, long v) => f switch
    {
        EventFieldId.SessionId or EventFieldId.ItemInSession => v >= 0,
        EventFieldId.UserId => v > 0,
        EventFieldId.Status => EventDomains.IsStatus(v),
        _ => true,
    };

    /// <summary>Whether number field <paramref name="f"/>'s value lies in its domain.</summary>
    public static bool InDomain(EventFieldId f, double v) => f switch
    {
        EventFieldId.Lat => double.IsFinite(v) && Math.Abs(v) <= EventDomains.MaxLatitude,
        EventFieldId.Lon => double.IsFinite(v) && Math.Abs(v) <= EventDomains.MaxLongitude,
        EventFieldId.Duration => double.IsFinite(v) && v > 0 && v <= EventDomains.MaxDurationSeconds,
        _ => true,
    };

    /// <summary>Whether the UTF-8 auth value <paramref name="auth"/> is one whose events carry the user fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsUserAuth(ReadOnlySpan<byte> auth) => EventDomains.UserAuthSet.Contains(auth);

    /// <summary>Whether the UTF-8 page value <paramref name="page"/> is <see cref="EventDomains.NextSong"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNextSong(ReadOnlySpan<byte> page) => page.SequenceEqual(EventDomains.NextSongUtf8);

    /// <summary>
    /// The rules between fields (design.md §2), from what both paths know after the last field: the fields seen (a null
    /// counts as absent), ts, registration (when seen), whether auth is one that carries the user fields (on auth
    /// events, which have no auth: whether the login succeeded), and whether the page is NextSong.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FieldMismatch CheckBetweenFields(TopicLayout layout, int seen, long ts, long registration, bool userAuth, bool nextSong)
    {
        var user = seen & UserFields;
        if (user != 0 && user != UserFields) return FieldMismatch.UserFieldsIncomplete;
        if (user != 0 && !userAuth) return FieldMismatch.UserFieldsUnexpected;
        if (user == 0 && userAuth) return FieldMismatch.UserFieldsMissing;
        if (user != 0 && registration > ts) return FieldMismatch.RegistrationAfterTs;
        if (layout.Index == TopicLayout.PageViewIndex)
        {
            var song = seen & SongFields;
            if (nextSong && song != SongFields) return FieldMismatch.SongFieldsMissing;
            if (!nextSong && song != 0) return FieldMismatch.SongFieldsUnexpected;
        }
        return FieldMismatch.None;
    }
}
