using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Rhythmic.Serving.Views;

/// <summary>
/// The read API of the lambda architecture (design.md §6): every answer merges the batch view (hours the warehouse
/// has loaded, dw.load_state) with the speed view (every other hour), hour by hour, so nothing is counted twice and
/// nothing is missing, and says which part came from where.
/// </summary>
internal static class ViewsApi
{
    private const int MaxBuckets = 10_000;
    private static readonly string[] Metrics = ["plays", "active_users", "page_views", "logins", "failed_logins", "sessions", "level_changes"];
    private static readonly string[] Levels = ["free", "paid"];
    private static readonly string[] Genders = ["M", "F"];

    /// <summary>The filters each metric's two views can both apply (the speed view keeps only some dimensions per table).</summary>
    private static readonly Dictionary<string, string[]> Filters = new()
    {
        ["plays"] = ["level", "gender", "state"], ["active_users"] = ["level", "gender", "state"], ["page_views"] = ["level"],
        ["logins"] = [], ["failed_logins"] = [], ["sessions"] = ["level"], ["level_changes"] = ["level"],
    };

    public static void MapViews(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Analytics");

        api.MapGet("/history", History)
            .WithSummary("A metric over time at a grain, batch view for loaded hours and speed view for the rest")
            .WithDescription("metric: plays, active_users, page_views, logins, failed_logins, sessions, level_changes. grain: second (windows up to one hour, " +
                "answered from the warehouse only), minute, hour, day, week (ISO, Monday), month, year. from/to (ISO 8601 UTC) are rounded out to whole " +
                "buckets; to defaults to the data's clock, from to a screenful of buckets. Filters: level (free|paid) for plays, active_users, page_views, " +
                "sessions and level_changes (the level before the change); gender (M|F) and state (two letters) for plays and active_users. " +
                "Each point says its source: batch, speed, or mixed (a bucket spanning both). active_users are distinct logged-in users, exact across the seam.")
            .Produces<HistoryAnswer>().ProducesValidationProblem();
        api.MapGet("/top", Top)
            .WithSummary("The most played songs, artists or places (US states) of a window, merged over the seam")
            .WithDescription("by: songs|artists|locations; n: 1-100 (10); from/to rounded out to whole hours (default: the last 24 hours of the data's clock).")
            .Produces<TopAnswer>().ProducesValidationProblem();
        api.MapGet("/users", Users)
            .WithSummary("Distinct logged-in users of a window by gender, by level, or by both")
            .WithDescription("by: gender|level|gender,level (default gender,level). A user who had both levels counts in both level groups and once in 'users'.")
            .Produces<UsersAnswer>().ProducesValidationProblem();
        api.MapGet("/songs-per-user", SongsPerUser)
            .WithSummary("Average songs per user per day, or per session, of a window, day by day")
            .WithDescription("per=day: plays / distinct active users of each day (average: plays / user-days). per=session: plays / sessions started. " +
                "from/to rounded out to whole days (default: the last 7 days).")
            .Produces<SongsPerUserAnswer>().ProducesValidationProblem();
        api.MapGet("/live", Live)
            .WithSummary("Headline figures of the last N complete minutes and of the N before them, from the speed view")
            .WithDescription("minutes: 1-1440 (5). 'through' is the end of the newest complete minute of the speed view (the data's clock).")
            .Produces<LiveAnswer>().ProducesValidationProblem();
        api.MapGet("/overview", Overview)
            .WithSummary("The platform's state: recent speed-view figures, last loaded hour, lake, dead letters, late events, gaps")
            .Produces<OverviewFigures>().ProducesValidationProblem();
    }

    private static async Task<IResult> History(HttpRequest request, ServingReads reads, CancellationToken ct)
    {
        var q = new QueryArgs(request, "metric", "grain", "from", "to", "level", "gender", "state");
        var metric = q.OneOf("metric", Metrics, null);
        var grainName = q.OneOf("grain", Grains.Names, "hour")!;
        Grains.TryParse(grainName, out var grain);
        var (from, to) = (q.Time("from"), q.Time("to"));
        var level = q.OneOf("level", Levels, "") is { Length: > 0 } l ? l : null;
        var gender = q.OneOf("gender", Genders, "") is { Length: > 0 } g ? g : null;
        var state = q.Text("state");
        if (state is not null && (state.Length != 2 || !state.All(char.IsAsciiLetterUpper))) q.Fail("state", $"must be a two-letter US state code such as CA (got '{state}')");
        if (metric is not null)
            foreach (var (name, value) in new[] { ("level", level), ("gender", gender), ("state", state) })
                if (value is not null && !Filters[metric].Contains(name))
                    q.Fail(name, $"cannot filter metric {metric}: the speed view does not keep it (filters of {metric}: {(Filters[metric].Length == 0 ? "none" : string.Join(", ", Filters[metric]))})");
        if (!q.Ok) return q.Problem();

        var end = grain.Ceiling(to ?? await DataClockAsync(reads, ct));
        var start = grain.Floor(from ?? grain.DefaultFrom(end));
        if (!CheckWindow(q, start, end, grain)) return q.Problem();

        var facts = grain == Grain.Second || metric switch
        {
            "plays" => level is not null || gender is not null || state is not null,
            "active_users" => grain == Grain.Minute || state is not null,
            _ => level is not null,
        };
        return await reads.SnapshotAsync<IResult>(async db =>
        {
            var (loaded, batchThrough) = await db.LoadedHoursAsync(start, end);
            if (grain == Grain.Second)
                for (var h = Grain.Hour.Floor(start); h < end; h = h.AddHours(1))
                    if (!loaded.Contains(h))
                    {
                        q.Fail("grain", $"second is answered from the warehouse only, which has not loaded the hour {h:yyyy-MM-ddTHH}:00Z (batchThrough {Iso(batchThrough)}); use grain=minute there");
                        return q.Problem();
                    }
            var values = await HistoryValuesAsync(db, metric!, HistoryArgs(metric!, grain, start, end, loaded, level, gender, state, facts), facts);
            var points = grain.Buckets(start, end).Select(t =>
            {
                var next = grain.Next(t);
                return new HistoryPoint(t, values.GetValueOrDefault(t), SeamPlan.SourceOf(t, next < end ? next : end, loaded));
            }).ToList();
            return Results.Json(new HistoryAnswer(metric!, grainName, start, end, batchThrough, level, gender, state, points));
        }, ct);
    }

    private static async Task<IResult> Top(HttpRequest request, ServingReads reads, CancellationToken ct)
    {
        var q = new QueryArgs(request, "by", "from", "to", "n");
        var by = q.OneOf("by", ["songs", "artists", "locations"], "songs")!;
        var n = q.Int("n", 1, 100, 10);
        var (start, end) = await HourWindowAsync(q, reads, TimeSpan.FromDays(1), ct);
        if (!q.Ok) return q.Problem();
        return await reads.SnapshotAsync(async db =>
        {
            var (loaded, batchThrough) = await db.LoadedHoursAsync(start, end);
            var plan = SeamPlan.Of(start, end, loaded);
            var args = new
            {
                days = plan.WholeDays.Select(d => d.ToString("yyyy-MM-dd")).ToArray(),
                batch_from = plan.BatchOutsideWholeDays.Select(r => r.From).ToArray(), batch_to = plan.BatchOutsideWholeDays.Select(r => r.To).ToArray(),
                speed_from = plan.Speed.Select(r => r.From).ToArray(), speed_to = plan.Speed.Select(r => r.To).ToArray(), n,
            };
            IReadOnlyList<object> items = by switch
            {
                "songs" => await db.QueryAsync<SongPlays>("top/songs", args),
                "artists" => await db.QueryAsync<ArtistPlays>("top/artists", args),
                _ => await db.QueryAsync<StatePlays>("top/locations", args),
            };
            return Results.Json(new TopAnswer(by, start, end, batchThrough, plan.Source, items));
        }, ct);
    }

    private static async Task<IResult> Users(HttpRequest request, ServingReads reads, CancellationToken ct)
    {
        var q = new QueryArgs(request, "by", "from", "to");
        var by = q.OneOf("by", ["gender", "level", "gender,level", "level,gender"], "gender,level")!;
        var (start, end) = await HourWindowAsync(q, reads, TimeSpan.FromDays(1), ct);
        if (!q.Ok) return q.Problem();
        return await reads.SnapshotAsync(async db =>
        {
            var (loaded, batchThrough) = await db.LoadedHoursAsync(start, end);
            var plan = SeamPlan.Of(start, end, loaded);
            var rows = await db.QueryAsync<UsersRow>("users_by", new
            {
                by_gender = by.Contains("gender"), by_level = by.Contains("level"),
                batch_from = plan.Batch.Select(r => r.From).ToArray(), batch_to = plan.Batch.Select(r => r.To).ToArray(),
                speed_from = plan.Speed.Select(r => r.From).ToArray(), speed_to = plan.Speed.Select(r => r.To).ToArray(),
            });
            var total = rows.Where(r => r.IsTotal).Select(r => r.Users).SingleOrDefault();
            var groups = rows.Where(r => !r.IsTotal).Select(r => new UserGroup(r.Gender, r.Level, r.Users)).ToList();
            return Results.Json(new UsersAnswer(by.Contains(',') ? "gender,level" : by, start, end, batchThrough, plan.Source, total, groups));
        }, ct);
    }

    private static async Task<IResult> SongsPerUser(HttpRequest request, ServingReads reads, CancellationToken ct)
    {
        var q = new QueryArgs(request, "per", "from", "to");
        var per = q.OneOf("per", ["day", "session"], "day")!;
        var (from, to) = (q.Time("from"), q.Time("to"));
        if (!q.Ok) return q.Problem();
        var end = Grain.Day.Ceiling(to ?? await DataClockAsync(reads, ct));
        var start = Grain.Day.Floor(from ?? end.AddDays(-7));
        if (!CheckWindow(q, start, end, Grain.Day)) return q.Problem();
        return await reads.SnapshotAsync(async db =>
        {
            var (loaded, batchThrough) = await db.LoadedHoursAsync(start, end);
            var songs = await HistoryValuesAsync(db, "plays", HistoryArgs("plays", Grain.Day, start, end, loaded, null, null, null, false), false);
            var perMetric = per == "day" ? "active_users" : "sessions";
            var by = await HistoryValuesAsync(db, perMetric, HistoryArgs(perMetric, Grain.Day, start, end, loaded, null, null, null, false), false);
            var points = Grain.Day.Buckets(start, end).Select(t =>
            {
                var (s, d) = (songs.GetValueOrDefault(t), by.GetValueOrDefault(t));
                return new SongsPerUserPoint(t, s, d, d == 0 ? null : Math.Round((double)s / d, 3), SeamPlan.SourceOf(t, t.AddDays(1), loaded));
            }).ToList();
            var (allSongs, allBy) = (points.Sum(p => p.Songs), points.Sum(p => p.Per));
            return Results.Json(new SongsPerUserAnswer(per, start, end, batchThrough, SeamPlan.Of(start, end, loaded).Source,
                allBy == 0 ? null : Math.Round((double)allSongs / allBy, 3), allSongs, allBy, per == "day" ? "userDays" : "sessions", points));
        }, ct);
    }

    private static async Task<IResult> Live(HttpRequest request, ServingReads reads, CancellationToken ct)
    {
        var q = new QueryArgs(request, "minutes");
        var minutes = q.Int("minutes", 1, 1440, 5);
        if (!q.Ok) return q.Problem();
        return await reads.SnapshotAsync(async db =>
        {
            var newest = (await db.SingleAsync<ClockRow>("data_clock")).NewestMinute;
            // The newest minute is still filling; the figures end where it starts.
            var through = newest ?? Grain.Minute.Floor(DateTime.UtcNow);
            var from = through.AddMinutes(-minutes);
            var rows = await db.QueryAsync<LiveRow>("live", new { previous_from = from.AddMinutes(-minutes), from, to = through });
            LiveFigures Figures(string period, DateTime a, DateTime b)
            {
                var r = rows.Single(x => x.Period == period);
                return new LiveFigures(a, b, r.Plays, r.ActiveUsers, r.PageViews, r.Logins, r.FailedLogins, r.Sessions, r.LevelChanges);
            }
            var (cur, prev) = (Figures("current", from, through), Figures("previous", from.AddMinutes(-minutes), from));
            static double? Change(long now, long before) => before == 0 ? null : Math.Round((double)(now - before) / before, 4);
            var change = new Dictionary<string, double?>
            {
                ["plays"] = Change(cur.Plays, prev.Plays), ["activeUsers"] = Change(cur.ActiveUsers, prev.ActiveUsers),
                ["pageViews"] = Change(cur.PageViews, prev.PageViews), ["logins"] = Change(cur.Logins, prev.Logins),
                ["failedLogins"] = Change(cur.FailedLogins, prev.FailedLogins), ["sessions"] = Change(cur.Sessions, prev.Sessions),
                ["levelChanges"] = Change(cur.LevelChanges, prev.LevelChanges),
            };
            return Results.Json(new LiveAnswer(minutes, through, cur, prev, change));
        }, ct);
    }

    private static async Task<IResult> Overview(HttpRequest request, ServingReads reads, CancellationToken ct)
    {
        var q = new QueryArgs(request, "minutes");
        var minutes = q.Int("minutes", 1, 7 * 24 * 60, 60);
        if (!q.Ok) return q.Problem();
        return await reads.SnapshotAsync(async db =>
        {
            var gaps = await db.QueryAsync<ConsumerGap>("recent_gaps", new { n = 5 });
            var o = await db.SingleAsync<OverviewRow>("overview", new { since = DateTime.UtcNow.AddMinutes(-minutes) });
            return Results.Json(new OverviewFigures(o.Plays, o.ActiveUsers, o.PageViews, o.Logins, o.FailedLogins, o.NewestMinute, o.LastLoadedHour,
                o.LoadedHours, o.LakeFiles, o.LakeEvents, o.DeadLetters, o.LateEvents, o.Gaps, o.MissingMessages, gaps));
        }, ct);
    }

    /// <summary>
    /// A metric's value per bucket start: its own query (Sql/history/&lt;metric&gt;.sql: the speed view, and the facts when
    /// <paramref name="facts"/>), plus, for an additive metric read without the facts, the warehouse's totals
    /// (Sql/history/totals.sql). Distinct users are merged inside their query.
    /// </summary>
    internal static async Task<Dictionary<DateTime, long>> HistoryValuesAsync(ServingReads.Snapshot db, string metric, object args, bool facts)
    {
        var values = (await db.QueryAsync<Point>($"history/{metric}", args)).ToDictionary(p => p.T, p => p.Value);
        if (metric == "active_users" || facts) return values;
        foreach (var row in await db.QueryAsync<TotalsRow>("history/totals", args))
            values[row.T] = values.GetValueOrDefault(row.T) + row.Of(metric);
        return values;
    }

    /// <summary>
    /// The parameters of a history query (Sql/history/*.sql): the window, the grain, the filters, and the seam's plan as
    /// ranges of loaded hours (batch) and of the others (speed). Whole loaded days answer distinct users at day grain
    /// from the warehouse's day totals, so their hours leave the batch ranges.
    /// </summary>
    internal static object HistoryArgs(string metric, Grain grain, DateTime from, DateTime to, IReadOnlySet<DateTime> loaded,
        string? level, string? gender, string? state, bool facts)
    {
        var plan = SeamPlan.Of(from, to, loaded);
        var wholeDays = metric == "active_users" && grain == Grain.Day && !facts && level is null && gender is null && state is null;
        var batch = wholeDays ? plan.BatchOutsideWholeDays : plan.Batch;
        return new
        {
            from, to, grain = grain.Name(), level, gender, state, facts, by_hour = grain >= Grain.Hour,
            days = wholeDays ? plan.WholeDays.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [],
            batch_from = batch.Select(r => r.From).ToArray(), batch_to = batch.Select(r => r.To).ToArray(),
            speed_from = plan.Speed.Select(r => r.From).ToArray(), speed_to = plan.Speed.Select(r => r.To).ToArray(),
        };
    }

    /// <summary>The data's clock: the end of the speed view's newest minute, or now when the wall clock is ahead of it.</summary>
    private static async Task<DateTime> DataClockAsync(ServingReads reads, CancellationToken ct)
    {
        var newest = await reads.SnapshotAsync(db => db.SingleAsync<ClockRow>("data_clock"), ct);
        var now = DateTime.UtcNow;
        return newest.NewestMinute is { } m && m.AddMinutes(1) > now ? m.AddMinutes(1) : now;
    }

    /// <summary>from/to rounded out to whole hours; to defaults to the data's clock, from to <paramref name="span"/> before it.</summary>
    private static async Task<(DateTime Start, DateTime End)> HourWindowAsync(QueryArgs q, ServingReads reads, TimeSpan span, CancellationToken ct)
    {
        var (from, to) = (q.Time("from"), q.Time("to"));
        if (!q.Ok) return default;
        var end = Grain.Hour.Ceiling(to ?? await DataClockAsync(reads, ct));
        var start = Grain.Hour.Floor(from ?? end - span);
        CheckWindow(q, start, end, Grain.Hour, maxDays: 400);
        return (start, end);
    }

    private static bool CheckWindow(QueryArgs q, DateTime start, DateTime end, Grain grain, int maxDays = int.MaxValue)
    {
        if (end <= start) q.Fail("from", $"must be before 'to' (from {Iso(start)}, to {Iso(end)} after rounding to the {grain.Name()})");
        else if (grain == Grain.Second && end - start > TimeSpan.FromHours(1)) q.Fail("from", "may lie at most one hour before 'to' at grain second");
        else if ((end - start).TotalDays > maxDays) q.Fail("from", $"may lie at most {maxDays} days before 'to'");
        else if (grain.Buckets(start, end).Skip(MaxBuckets).Any())
            q.Fail("from", $"the window holds more than {MaxBuckets} buckets of a {grain.Name()}: narrow it or take a wider grain");
        return q.Ok;
    }

    private static string Iso(DateTime? t) => t is { } v ? v.ToString("yyyy-MM-ddTHH:mm:ssZ") : "none";

    private sealed class Point { public DateTime T { get; init; } public long Value { get; init; } }
    private sealed class ClockRow { public DateTime? NewestMinute { get; init; } }
    private sealed class TotalsRow
    {
        public DateTime T { get; init; }
        public long Plays { get; init; } public long PageViews { get; init; } public long Logins { get; init; }
        public long FailedLogins { get; init; } public long Sessions { get; init; } public long LevelChanges { get; init; }
        public long Of(string metric) => metric switch
        {
            "plays" => Plays, "page_views" => PageViews, "logins" => Logins, "failed_logins" => FailedLogins, "sessions" => Sessions,
            "level_changes" => LevelChanges, _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not an additive metric"),
        };
    }
    private sealed class UsersRow { public string? Gender { get; init; } public string? Level { get; init; } public long Users { get; init; } public bool IsTotal { get; init; } }
    private sealed class LiveRow
    {
        public string Period { get; init; } = "";
        public long Plays { get; init; } public long ActiveUsers { get; init; } public long PageViews { get; init; } public long Logins { get; init; }
        public long FailedLogins { get; init; } public long Sessions { get; init; } public long LevelChanges { get; init; }
    }
    private sealed class OverviewRow
    {
        public long Plays { get; init; } public long ActiveUsers { get; init; } public long PageViews { get; init; } public long Logins { get; init; }
        public long FailedLogins { get; init; } public DateTime? NewestMinute { get; init; } public DateTime? LastLoadedHour { get; init; }
        public long LoadedHours { get; init; } public long LakeFiles { get; init; } public long LakeEvents { get; init; } public long DeadLetters { get; init; }
        public long LateEvents { get; init; } public long Gaps { get; init; } public long MissingMessages { get; init; }
    }
}

/// <summary>One bucket of a history answer.</summary>
public sealed record HistoryPoint(DateTime T, long Value, string Source);
/// <summary>A metric over time; batchThrough is the end of the last loaded hour (null when none is).</summary>
public sealed record HistoryAnswer(string Metric, string Grain, DateTime From, DateTime To, DateTime? BatchThrough,
    string? Level, string? Gender, string? State, IReadOnlyList<HistoryPoint> Points);
/// <summary>A ranking of a window.</summary>
public sealed record TopAnswer(string By, DateTime From, DateTime To, DateTime? BatchThrough, string Source, IReadOnlyList<object> Items);
/// <summary>A song's plays.</summary>
public sealed class SongPlays { public string Artist { get; init; } = ""; public string Song { get; init; } = ""; public long Plays { get; init; } }
/// <summary>An artist's plays.</summary>
public sealed class ArtistPlays { public string Artist { get; init; } = ""; public long Plays { get; init; } }
/// <summary>A state's plays.</summary>
public sealed class StatePlays { public string State { get; init; } = ""; public string StateName { get; init; } = ""; public long Plays { get; init; } }
/// <summary>Distinct users of one group (null: not grouped by it).</summary>
public sealed record UserGroup(string? Gender, string? Level, long Users);
/// <summary>Distinct users of a window, in all and by group.</summary>
public sealed record UsersAnswer(string By, DateTime From, DateTime To, DateTime? BatchThrough, string Source, long Users, IReadOnlyList<UserGroup> Groups);
/// <summary>One day's songs and users (or sessions) and their ratio.</summary>
public sealed record SongsPerUserPoint(DateTime T, long Songs, long Per, double? Average, string Source);
/// <summary>Songs per user-day or per session over a window; perName says what Per counts.</summary>
public sealed record SongsPerUserAnswer(string Per, DateTime From, DateTime To, DateTime? BatchThrough, string Source, double? Average,
    long Songs, long Count, string CountOf, IReadOnlyList<SongsPerUserPoint> Points);
/// <summary>The speed view's figures of one window.</summary>
public sealed record LiveFigures(DateTime From, DateTime To, long Plays, long ActiveUsers, long PageViews, long Logins, long FailedLogins, long Sessions, long LevelChanges);
/// <summary>The last N minutes against the N before them; change is relative (null when the earlier figure is 0).</summary>
public sealed record LiveAnswer(int Minutes, DateTime Through, LiveFigures Current, LiveFigures Previous, IReadOnlyDictionary<string, double?> Change);
/// <summary>The platform's state for the dashboard.</summary>
public sealed record OverviewFigures(long Plays, long ActiveUsers, long PageViews, long Logins, long FailedLogins,
    DateTime? NewestMinute, DateTime? LastLoadedHour, long LoadedHours, long LakeFiles, long LakeEvents, long DeadLetters, long LateEvents,
    long Gaps, long MissingMessages, IReadOnlyList<ConsumerGap> RecentGaps);
/// <summary>A range of Kafka offsets a consumer group never read (ops.consumer_gaps).</summary>
public sealed class ConsumerGap
{
    public string ConsumerGroup { get; init; } = ""; public string Topic { get; init; } = ""; public int Partition { get; init; }
    public long FirstMissingOffset { get; init; } public long LastMissingOffset { get; init; } public long MissingCount { get; init; }
    public string How { get; init; } = ""; public DateTime DetectedAt { get; init; }
}
