namespace Rhythmic.Simulator.Model;

/// <summary>
/// eventsim's seasonality, in each user's local time (UTC plus the place's offset) so that nights are quiet where
/// the user lives while every timestamp stays true UTC: the daily sine warp of session starts (amplitude
/// damping × one day, phase at 3 AM) and the thinning of session starts on weekends and US holidays, ramped
/// over weekend-damping-scale minutes around midnight shifted by weekend-damping-offset.
/// </summary>
internal sealed class TimeModel(SiteConfig config)
{
    private const long DayMs = 86_400_000;
    private const long ThreeAmMs = 3 * 3_600_000;
    private readonly double _damping = config.Damping;
    private readonly double _weekend = config.WeekendDamping;
    private readonly long _offsetMs = config.WeekendDampingOffsetMinutes * 60_000L;
    private readonly double _scaleMs = config.WeekendDampingScaleMinutes * 60_000.0;

    /// <summary>The warped local time (ms): session starts move away from 3 AM and bunch in the afternoon and evening.</summary>
    public long Warp(long localMs)
    {
        var s = Mod(localMs, DayMs);
        return localMs + (long)(_damping * DayMs * Math.Sin((s - ThreeAmMs) * 2 * Math.PI / DayMs)) / 1000 * 1000;
    }

    /// <summary>The share of session starts removed at local time <paramref name="localMs"/> (0 on weekdays, up to weekend-damping).</summary>
    public double WeekendDamping(long localMs)
    {
        if (_weekend <= 0) return 0;
        var lastMidnight = localMs - Mod(localMs, DayMs);
        var nextMidnight = lastMidnight + DayMs;
        var yesterday = IsWeekendOrHoliday(lastMidnight - DayMs);
        var today = IsWeekendOrHoliday(lastMidnight);
        var tomorrow = IsWeekendOrHoliday(nextMidnight);
        double Ramp(long fromMs, long toMs) => _weekend * (toMs - fromMs) / _scaleMs;
        switch (yesterday, today, tomorrow)
        {
            case (false, false, false): return 0;
            case (true, true, true): return _weekend;
            case (false, false, true):
                return localMs < nextMidnight - _offsetMs ? 0 : Ramp(nextMidnight - _offsetMs, localMs);
            case (true, false, false):
                return localMs > lastMidnight + _offsetMs ? 0 : Ramp(localMs, lastMidnight + _offsetMs);
            case (false, true, false):
            {
                var rampStart = lastMidnight - _offsetMs;
                var rollEnd = nextMidnight + _offsetMs;
                if (localMs < rampStart + (long)_scaleMs) return Ramp(rampStart, localMs);
                if (localMs > rollEnd - (long)_scaleMs) return Ramp(localMs, rollEnd);
                return _weekend;
            }
            case (false, true, true):
            {
                var rampStart = lastMidnight - _offsetMs;
                return localMs < rampStart + (long)_scaleMs ? Ramp(rampStart, localMs) : _weekend;
            }
            case (true, false, true):
                if (localMs < lastMidnight + _offsetMs) return Ramp(localMs, lastMidnight + _offsetMs);
                if (localMs > nextMidnight - _offsetMs) return Ramp(nextMidnight - _offsetMs, localMs);
                return 0;
            case (true, true, false):
            {
                var rollEnd = nextMidnight + _offsetMs;
                return localMs > rollEnd - (long)_scaleMs ? Ramp(localMs, rollEnd) : _weekend;
            }
        }
    }

    private static readonly int EpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
    private const int CachedDays = 400 * 366;   // 1900..2300 around the epoch
    private const int CacheOrigin = 70 * 366;
    private static readonly Lazy<bool[]> DayCache = new(() =>
    {
        var days = new bool[CachedDays];
        for (var i = 0; i < CachedDays; i++) days[i] = Compute(i - CacheOrigin);
        return days;
    });

    public static bool IsWeekendOrHoliday(long localMs)
    {
        var day = (long)Math.Floor(localMs / (double)DayMs);
        var index = day + CacheOrigin;
        return index is >= 0 and < CachedDays ? DayCache.Value[index] : Compute(day);
    }

    private static bool Compute(long daysSinceEpoch)
    {
        var date = DateOnly.FromDayNumber((int)(daysSinceEpoch + EpochDay));
        return date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || UsHolidays.IsHoliday(date);
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;
}
