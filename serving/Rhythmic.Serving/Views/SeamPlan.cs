namespace Rhythmic.Serving.Views;

/// <summary>A half-open UTC range [From, To).</summary>
public readonly record struct TimeRange(DateTime From, DateTime To);

/// <summary>
/// Where each hour of a window is answered from: the batch view (hours the warehouse has loaded) or the speed view
/// (every other hour). Every hour of the window is in exactly one of <see cref="Batch"/> and <see cref="Speed"/>;
/// <see cref="WholeDays"/> are the loaded days all 24 of whose hours lie in the window, which the warehouse's day
/// aggregates answer, and <see cref="BatchOutsideWholeDays"/> the loaded hours the facts must answer.
/// </summary>
public sealed class SeamPlan
{
    private SeamPlan(DateTime from, DateTime to, IReadOnlyList<TimeRange> batch, IReadOnlyList<TimeRange> batchOutside,
        IReadOnlyList<DateOnly> wholeDays, IReadOnlyList<TimeRange> speed)
    {
        From = from; To = to; Batch = batch; BatchOutsideWholeDays = batchOutside; WholeDays = wholeDays; Speed = speed;
    }

    /// <summary>The window, in whole hours.</summary>
    public DateTime From { get; }
    /// <summary>The window's end (exclusive), in whole hours.</summary>
    public DateTime To { get; }
    /// <summary>The loaded hours of the window, as maximal ranges.</summary>
    public IReadOnlyList<TimeRange> Batch { get; }
    /// <summary>The loaded hours outside <see cref="WholeDays"/>, as maximal ranges.</summary>
    public IReadOnlyList<TimeRange> BatchOutsideWholeDays { get; }
    /// <summary>The UTC dates whose 24 hours are all in the window and loaded.</summary>
    public IReadOnlyList<DateOnly> WholeDays { get; }
    /// <summary>The hours of the window the warehouse has not loaded, as maximal ranges.</summary>
    public IReadOnlyList<TimeRange> Speed { get; }

    /// <summary>"batch", "speed" or "mixed": where the hours of [from, to) come from (a sub-hour span: its hour's).</summary>
    public static string SourceOf(DateTime from, DateTime to, IReadOnlySet<DateTime> loadedHours)
    {
        bool any = false, all = true;
        for (var h = Grain.Hour.Floor(from); h < to; h = h.AddHours(1))
        {
            if (loadedHours.Contains(h)) any = true;
            else all = false;
            if (any && !all) break;
        }
        return all ? "batch" : any ? "mixed" : "speed";
    }

    /// <summary>The plan of [from, to) (rounded out to whole hours) given the loaded hours.</summary>
    public static SeamPlan Of(DateTime from, DateTime to, IReadOnlySet<DateTime> loadedHours)
    {
        from = Grain.Hour.Floor(from);
        to = Grain.Hour.Ceiling(to);
        var batch = new List<TimeRange>();
        var outside = new List<TimeRange>();
        var speed = new List<TimeRange>();
        var wholeDays = new List<DateOnly>();
        for (var day = Grain.Day.Floor(from); day < to; day = day.AddDays(1))
        {
            var whole = day >= from && day.AddDays(1) <= to;
            for (var h = 0; h < 24 && whole; h++) whole = loadedHours.Contains(day.AddHours(h));
            if (whole) wholeDays.Add(DateOnly.FromDateTime(day));
            for (var hour = day < from ? from : day; hour < to && hour < day.AddDays(1); hour = hour.AddHours(1))
            {
                if (loadedHours.Contains(hour))
                {
                    Append(batch, hour);
                    if (!whole) Append(outside, hour);
                }
                else Append(speed, hour);
            }
        }
        return new SeamPlan(from, to, batch, outside, wholeDays, speed);
    }

    /// <summary>The source of the whole window.</summary>
    public string Source => Speed.Count == 0 ? "batch" : Batch.Count == 0 ? "speed" : "mixed";

    private static void Append(List<TimeRange> ranges, DateTime hour)
    {
        if (ranges.Count > 0 && ranges[^1].To == hour) ranges[^1] = ranges[^1] with { To = hour.AddHours(1) };
        else ranges.Add(new TimeRange(hour, hour.AddHours(1)));
    }
}
