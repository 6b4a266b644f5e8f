namespace Rhythmic.Serving.Views;

/// <summary>The bucket widths of the history API, each aligned as PostgreSQL's <c>date_trunc(grain, t, 'UTC')</c> aligns it.</summary>
public enum Grain { Second, Minute, Hour, Day, Week, Month, Year }

/// <summary>Bucket arithmetic on UTC instants (weeks are ISO weeks, starting on Monday).</summary>
public static class Grains
{
    /// <summary>The names the API accepts, in order of width.</summary>
    public static IReadOnlyList<string> Names => NameArray;

    private static readonly string[] NameArray = ["second", "minute", "hour", "day", "week", "month", "year"];

    /// <summary>Parses an API name ("hour"); false for anything else.</summary>
    public static bool TryParse(string? text, out Grain grain)
    {
        var i = text is null ? -1 : Array.IndexOf(NameArray, text);
        grain = i < 0 ? default : (Grain)i;
        return i >= 0;
    }

    /// <summary>The name PostgreSQL's date_trunc takes (the API's name).</summary>
    public static string Name(this Grain grain) => Names[(int)grain];

    /// <summary>The start of the bucket holding <paramref name="t"/>.</summary>
    public static DateTime Floor(this Grain grain, DateTime t)
    {
        t = DateTime.SpecifyKind(t, DateTimeKind.Utc);
        return grain switch
        {
            Grain.Second => new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc),
            Grain.Minute => new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc),
            Grain.Hour => new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc),
            Grain.Day => t.Date,
            Grain.Week => t.Date.AddDays(-(((int)t.DayOfWeek + 6) % 7)),
            Grain.Month => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            Grain.Year => new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            _ => throw new ArgumentOutOfRangeException(nameof(grain)),
        };
    }

    /// <summary>The start of the bucket after the one starting at <paramref name="start"/>.</summary>
    public static DateTime Next(this Grain grain, DateTime start) => grain switch
    {
        Grain.Second => start.AddSeconds(1),
        Grain.Minute => start.AddMinutes(1),
        Grain.Hour => start.AddHours(1),
        Grain.Day => start.AddDays(1),
        Grain.Week => start.AddDays(7),
        Grain.Month => start.AddMonths(1),
        Grain.Year => start.AddYears(1),
        _ => throw new ArgumentOutOfRangeException(nameof(grain)),
    };

    /// <summary>The smallest bucket start at or after <paramref name="t"/>.</summary>
    public static DateTime Ceiling(this Grain grain, DateTime t)
    {
        var floor = grain.Floor(t);
        return floor == t ? floor : grain.Next(floor);
    }

    /// <summary>The window a history request covers when it names no start: about a screen's worth of buckets.</summary>
    public static DateTime DefaultFrom(this Grain grain, DateTime to) => grain switch
    {
        Grain.Second => to.AddMinutes(-10),
        Grain.Minute => to.AddHours(-3),
        Grain.Hour => to.AddDays(-7),
        Grain.Day => to.AddDays(-30),
        Grain.Week => to.AddDays(-26 * 7),
        Grain.Month => to.AddMonths(-12),
        Grain.Year => to.AddYears(-5),
        _ => throw new ArgumentOutOfRangeException(nameof(grain)),
    };

    /// <summary>The buckets of [from, to), both bucket starts.</summary>
    public static IEnumerable<DateTime> Buckets(this Grain grain, DateTime from, DateTime to)
    {
        for (var t = grain.Floor(from); t < to; t = grain.Next(t)) yield return t;
    }
}
