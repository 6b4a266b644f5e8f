using System.Globalization;
using System.Text;
using Field = Rhythmic.Core.Events.EventFieldId;

namespace Rhythmic.Core.Events;

// The reasons TryParse gives a dead letter when a value is outside its domain (EventRules) or the fields disagree:
// only TryParse ever words a reason, so the speed layer and the lake reject a message with the same one.
public sealed partial class EventParser
{
    /// <summary>Values longer than this many characters are cut in reasons.</summary>
    private const int ReasonValueChars = 64;

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

    private static string MismatchReason(FieldMismatch m, TopicLayout layout, int seen, EventRecord r) => m switch
    {
        FieldMismatch.UserFieldsIncomplete =>
            $"user fields come together: '{FirstField(EventRules.UserFields & ~seen)}' is absent while '{FirstField(EventRules.UserFields & seen)}' is present",
        FieldMismatch.UserFieldsUnexpected => layout.Index == TopicLayout.AuthIndex
            ? "user fields are present but success is false (a failed login carries none)"
            : $"user fields are present but auth is {Quote(r.Auth ?? "")} (only {EventDomains.UserAuthSet.Listed} carry them)",
        FieldMismatch.UserFieldsMissing => layout.Index == TopicLayout.AuthIndex
            ? "user fields are absent but success is true (a successful login carries them)"
            : $"user fields are absent but auth is {Quote(r.Auth ?? "")} (which carries them)",
        FieldMismatch.RegistrationAfterTs => $"registration {Iso(r.Registration ?? 0)} is after ts {Iso(r.Ts)}",
        FieldMismatch.SongFieldsMissing => $"page 'NextSong' lacks '{FirstField(EventRules.SongFields & ~seen)}'",
        _ => $"page {Quote(r.Page ?? "")} carries '{FirstField(EventRules.SongFields & seen)}' (only NextSong carries artist, song and duration)",
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
