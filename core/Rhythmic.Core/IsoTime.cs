using System.Globalization;

namespace Rhythmic.Core;

/// <summary>
/// The one parser of the ISO 8601 times people type (the verbs' options, the HTTP API's query parameters): a date,
/// a date-time, or an hour alone ("2024-03-09T22"); without an offset the time is UTC. Anything that does not start
/// like a date (at least "yyyy-MM-dd") is refused, however a culture-aware parser might read it.
/// </summary>
public static class IsoTime
{
    /// <summary>Parses <paramref name="text"/> as an instant, given in UTC (offset zero); false when it is not an ISO 8601 date or date-time.</summary>
    public static bool TryParse(string? text, out DateTimeOffset utc)
    {
        utc = default;
        var t = text?.Trim();
        if (t is null || t.Length < 10 || !char.IsAsciiDigit(t[0])) return false;
        if (t.Length == 13 && t[10] == 'T') t += ":00"; // an hour alone: DateTimeOffset wants minutes
        if (!DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return false;
        utc = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>Parses <paramref name="text"/> as an instant, as a UTC <see cref="DateTime"/>.</summary>
    public static bool TryParse(string? text, out DateTime utc)
    {
        var ok = TryParse(text, out DateTimeOffset parsed);
        utc = ok ? parsed.UtcDateTime : default;
        return ok;
    }

    /// <summary>Parses <paramref name="text"/> and truncates it to its hour (UTC): the hour a job or a check is about.</summary>
    public static bool TryParseHour(string? text, out DateTime hour)
    {
        var ok = TryParse(text, out DateTime utc);
        hour = ok ? new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc) : default;
        return ok;
    }
}
