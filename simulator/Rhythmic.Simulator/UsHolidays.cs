namespace Rhythmic.Simulator;

/// <summary>US federal holidays (the dates themselves, not the observed weekdays), used to thin traffic like weekends.</summary>
public static class UsHolidays
{
    /// <summary>Whether <paramref name="date"/> is a US federal holiday.</summary>
    public static bool IsHoliday(DateOnly date)
    {
        var (y, m, d) = (date.Year, date.Month, date.Day);
        return (m, d) switch
        {
            (1, 1) or (7, 4) or (11, 11) or (12, 25) => true,
            (6, 19) => y >= 2021,
            _ => m switch
            {
                1 => date == Nth(y, 1, DayOfWeek.Monday, 3),          // Martin Luther King Jr. Day
                2 => date == Nth(y, 2, DayOfWeek.Monday, 3),          // Washington's Birthday
                5 => date == Last(y, 5, DayOfWeek.Monday),            // Memorial Day
                9 => date == Nth(y, 9, DayOfWeek.Monday, 1),          // Labor Day
                10 => date == Nth(y, 10, DayOfWeek.Monday, 2),        // Columbus Day
                11 => date == Nth(y, 11, DayOfWeek.Thursday, 4),      // Thanksgiving
                _ => false,
            },
        };
    }

    private static DateOnly Nth(int year, int month, DayOfWeek day, int n)
    {
        var first = new DateOnly(year, month, 1);
        return first.AddDays(((int)day - (int)first.DayOfWeek + 7) % 7 + 7 * (n - 1));
    }

    private static DateOnly Last(int year, int month, DayOfWeek day)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(((int)last.DayOfWeek - (int)day + 7) % 7));
    }
}
