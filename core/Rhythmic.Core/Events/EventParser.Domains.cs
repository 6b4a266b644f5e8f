using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Rhythmic.Core.Events;

// The domain rules of every field (EventDomains holds the tables), and the rules between fields. Both paths call these
// same functions: TryParse to give a dead letter its reason, TryParseFields to decline what TryParse would refuse. Only
// TryParse ever words a reason, so the speed layer and the lake reject a message with the same one.
public sealed partial class EventParser
{
    private const int UserFields = (1 << (int)Field.UserId) | (1 << (int)Field.FirstName) | (1 << (int)Field.LastName)
        | (1 << (int)Field.Gender) | (1 << (int)Field.Registration);
    private const int SongFields = (1 << (int)Field.Artist) | (1 << (int)Field.Song) | (1 << (int)Field.Duration);

    /// <summary>The string fields whose domain is more than "not empty" (the others take the default case of <see cref="InDomain(Field, ReadOnlySpan{byte})"/>).</summary>
    private const int ListedStringFields = (1 << (int)Field.Level) | (1 << (int)Field.Auth) | (1 << (int)Field.Page)
        | (1 << (int)Field.Method) | (1 << (int)Field.Gender) | (1 << (int)Field.State);

    /// <summary>Values longer than this many characters are cut in reasons.</summary>
    private const int ReasonValueChars = 64;

    /// <summary>Whether the UTF-8 value (unescaped) of string field <paramref name="f"/> lies in its domain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InDomain(Field f, ReadOnlySpan<byte> v) => f switch
    {
        Field.Level => EventDomains.LevelSet.Contains(v),
        Field.Auth => EventDomains.AuthSet.Contains(v),
        Field.Page => EventDomains.PageSet.Contains(v),
        Field.Method => EventDomains.MethodSet.Contains(v),
        Field.Gender => EventDomains.GenderSet.Contains(v),
        Field.State => EventDomains.IsStateCode(v),
        _ => !v.IsEmpty, // city, zip, userAgent, firstName, lastName, artist, song: any text but none
    };

    /// <summary>Whether integer field <paramref name="f"/>'s value lies in its domain (ts and registration are checked against bounds and each other later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InDomain(Field f, long v) => f switch
    {
        Field.SessionId or Field.ItemInSession => v >= 0,
        Field.UserId => v > 0,
        Field.Status => EventDomains.IsStatus(v),
        _ => true,
    };

    /// <summary>Whether number field <paramref name="f"/>'s value lies in its domain.</summary>
    private static bool InDomain(Field f, double v) => f switch
    {
        Field.Lat => double.IsFinite(v) && Math.Abs(v) <= EventDomains.MaxLatitude,
        Field.Lon => double.IsFinite(v) && Math.Abs(v) <= EventDomains.MaxLongitude,
        Field.Duration => double.IsFinite(v) && v > 0 && v <= EventDomains.MaxDurationSeconds,
        _ => true,
    };

    /// <summary>
    /// The fast path's check of a number field (JSON's grammar without exponent, at most 100 characters) without parsing
    /// it: from its sign, its integer digits (fewer than 7) and whether its fraction is all zeros. The bounds are whole
    /// numbers, so this is exact but for a fraction so close to a bound that the double rounds onto it: such a number is
    /// declined here and TryParse, parsing it, gives the verdict. It never accepts what <see cref="InDomain(Field, double)"/> refuses.
    /// </summary>
    private static bool SurelyInDomain(Field f, ReadOnlySpan<byte> json, in JsonNumber number)
    {
        if (number.IntegerEnd - number.DigitsStart > 6) return false;
        var integer = number.IntegerPart(json);
        return f switch
        {
            Field.Lat => WithinBound(integer, (long)EventDomains.MaxLatitude, json, number),
            Field.Lon => WithinBound(integer, (long)EventDomains.MaxLongitude, json, number),
            // Positive: at least 1, or a fraction with a non-zero digit (100 characters cannot underflow a double).
            Field.Duration => number.DigitsStart == number.Start && (integer >= 1 || !number.FractionIsZero(json))
                && WithinBound(integer, (long)EventDomains.MaxDurationSeconds, json, number),
            _ => true,
        };

        // |value| < integer + 1 <= bound, or |value| is the bound itself.
        static bool WithinBound(long integer, long bound, ReadOnlySpan<byte> json, in JsonNumber number)
            => integer < bound || (integer == bound && number.FractionIsZero(json));
    }

    private static string DomainReason(Field f, string v) => f switch
    {
        Field.Level => $"level {Quote(v)} is not one of {EventDomains.LevelSet.Listed}",
        Field.Auth => $"auth {Quote(v)} is not one of {EventDomains.AuthSet.Listed}",
        Field.Page => $"page {Quote(v)} is not a known page",
        Field.Method => $"method {Quote(v)} is not one of {EventDomains.MethodSet.Listed}",
        Field.Gender => $"gender {Quote(v)} is not one of {EventDomains.GenderSet.Listed}",
        Field.State => $"state {Quote(v)} is not a two-letter upper-case code",
        _ => $"{Names[(int)f]} is an empty string",
    };

    private static string DomainReason(Field f, long v) => f switch
    {
        Field.SessionId or Field.ItemInSession => $"{Names[(int)f]} {Number(v)} is negative",
        Field.UserId => $"userId {Number(v)} is not positive",
        _ => $"status {Number(v)} is not one of {EventDomains.StatusesListed}",
    };

    private static string DomainReason(Field f, double v) => f switch
    {
        Field.Lat => $"lat {Number(v)} is not a latitude in [-{Number(EventDomains.MaxLatitude)}, {Number(EventDomains.MaxLatitude)}]",
        Field.Lon => $"lon {Number(v)} is not a longitude in [-{Number(EventDomains.MaxLongitude)}, {Number(EventDomains.MaxLongitude)}]",
        _ => v > 0 && double.IsFinite(v)
            ? $"duration {Number(v)} is longer than a day ({Number(EventDomains.MaxDurationSeconds)} s)"
            : $"duration {Number(v)} is not a positive finite number of seconds",
    };

    /// <summary>What a complete, in-domain event may still get wrong between its fields.</summary>
    private enum Mismatch
    {
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
    /// The rules between fields (design.md §2), from what both paths know after the last field: the fields seen (a null
    /// counts as absent), ts, registration (when seen), whether auth is one that carries the user fields (on auth
    /// events, which have no auth: whether the login succeeded), and whether the page is NextSong.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Mismatch CheckBetweenFields(TopicLayout layout, int seen, long ts, long registration, bool userAuth, bool nextSong)
    {
        var user = seen & UserFields;
        if (user != 0 && user != UserFields) return Mismatch.UserFieldsIncomplete;
        if (user != 0 && !userAuth) return Mismatch.UserFieldsUnexpected;
        if (user == 0 && userAuth) return Mismatch.UserFieldsMissing;
        if (user != 0 && registration > ts) return Mismatch.RegistrationAfterTs;
        if (layout.Index == TopicLayout.PageViewIndex)
        {
            var song = seen & SongFields;
            if (nextSong && song != SongFields) return Mismatch.SongFieldsMissing;
            if (!nextSong && song != 0) return Mismatch.SongFieldsUnexpected;
        }
        return Mismatch.None;
    }

    private static string MismatchReason(Mismatch m, TopicLayout layout, int seen, EventRecord r) => m switch
    {
        Mismatch.UserFieldsIncomplete =>
            $"user fields come together: '{FirstField(UserFields & ~seen)}' is absent while '{FirstField(UserFields & seen)}' is present",
        Mismatch.UserFieldsUnexpected => layout.Index == TopicLayout.AuthIndex
            ? "user fields are present but success is false (a failed login carries none)"
            : $"user fields are present but auth is {Quote(r.Auth ?? "")} (only {EventDomains.UserAuthSet.Listed} carry them)",
        Mismatch.UserFieldsMissing => layout.Index == TopicLayout.AuthIndex
            ? "user fields are absent but success is true (a successful login carries them)"
            : $"user fields are absent but auth is {Quote(r.Auth ?? "")} (which carries them)",
        Mismatch.RegistrationAfterTs => $"registration {Iso(r.Registration ?? 0)} is after ts {Iso(r.Ts)}",
        Mismatch.SongFieldsMissing => $"page 'NextSong' lacks '{FirstField(SongFields & ~seen)}'",
        _ => $"page {Quote(r.Page ?? "")} carries '{FirstField(SongFields & seen)}' (only NextSong carries artist, song and duration)",
    };

    private static string FirstField(int mask) => Names[System.Numerics.BitOperations.TrailingZeroCount(mask)];

    /// <summary>A value for a reason: quoted, cut after <see cref="ReasonValueChars"/> characters, control characters escaped (PostgreSQL text refuses NUL).</summary>
    private static string Quote(string v)
    {
        var cut = v.Length > ReasonValueChars;
        var shown = cut ? v[..(char.IsHighSurrogate(v[ReasonValueChars - 1]) ? ReasonValueChars - 1 : ReasonValueChars)] : v;
        var sb = new StringBuilder(shown.Length + 8).Append('\'');
        foreach (var c in shown)
        {
            if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        sb.Append('\'');
        if (cut) sb.Append("... (").Append(v.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters)");
        return sb.ToString();
    }

    private static string Number(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
