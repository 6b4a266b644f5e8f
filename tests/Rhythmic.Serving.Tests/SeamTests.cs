using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rhythmic.Core.Events;
using Rhythmic.Serving.Views;
using Rhythmic.Testing;
using static Rhythmic.Serving.Tests.ServedWorld;

namespace Rhythmic.Serving.Tests;

/// <summary>
/// The lambda merge against figures computed independently from the produced events: loaded hours from the warehouse,
/// the rest from the speed view, buckets across the seam from both, with no gap, no double count and exact distinct users.
/// </summary>
public sealed class SeamTests(ServedWorld world) : IClassFixture<ServedWorld>
{
    private static readonly string[] MetricNames = ["plays", "active_users", "page_views", "logins", "failed_logins", "sessions", "level_changes"];

    private static long Expected(string metric, IEnumerable<RecordedEvent> events) => ExpectedFigures.Of(metric, events);

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ");

    /// <summary>
    /// Where a bucket must come from: the warehouse has loaded every hour before the seam in which any event was landed
    /// (an hour without events has no lake file, so no load records it, and the speed view, empty too, answers it).
    /// </summary>
    private string SourceOf(DateTime from, DateTime to)
    {
        var hours = Enumerable.Range(0, (int)Math.Ceiling((to - from).TotalHours)).Select(i => Grain.Hour.Floor(from).AddHours(i)).ToList();
        var loaded = hours.Count(h => h < Seam && world.Events.Any(e => e.Ts >= h && e.Ts < h.AddHours(1)));
        return loaded == hours.Count ? "batch" : loaded == 0 ? "speed" : "mixed";
    }

    private async Task<JsonElement> HistoryAsync(string metric, Grain grain, DateTime from, DateTime to, string filters = "")
    {
        var url = $"/api/history?metric={metric}&grain={grain.Name()}&from={Iso(from)}&to={Iso(to)}{filters}";
        var response = await world.Http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task AssertHistoryAsync(string metric, Grain grain, DateTime from, DateTime to, Func<RecordedEvent, bool>? filter = null, string filters = "")
    {
        var answer = await HistoryAsync(metric, grain, from, to, filters);
        Assert.Equal(Seam, answer.GetProperty("batchThrough").GetDateTime().ToUniversalTime());
        var points = answer.GetProperty("points").EnumerateArray().ToList();
        var buckets = grain.Buckets(from, to).ToList();
        Assert.Equal(buckets, points.Select(p => p.GetProperty("t").GetDateTime().ToUniversalTime()));
        foreach (var (t, p) in buckets.Zip(points))
        {
            var next = grain.Next(t);
            var inBucket = world.Events.Where(e => e.Ts >= t && e.Ts < next && (filter?.Invoke(e) ?? true));
            Assert.True(Expected(metric, inBucket) == p.GetProperty("value").GetInt64(),
                $"{metric} at {grain.Name()} {Iso(t)}: expected {Expected(metric, inBucket)}, the API answered {p.GetProperty("value").GetInt64()} ({p.GetProperty("source")})");
            Assert.True(SourceOf(t, next) == p.GetProperty("source").GetString(),
                $"{metric} at {grain.Name()} {Iso(t)}: expected source {SourceOf(t, next)}, the API answered {p.GetProperty("source")}");
        }
    }

    private DateTime LastLoadedHour()
        => Enumerable.Range(1, 24).Select(i => Seam.AddHours(-i)).First(h => world.Events.Any(e => e.Ts >= h && e.Ts < h.AddHours(1)));

    [Fact]
    public async Task Every_metric_by_hour_equals_the_events_on_both_sides_of_the_seam()
    {
        foreach (var metric in MetricNames) await AssertHistoryAsync(metric, Grain.Hour, From, To);
    }

    [Fact]
    public async Task Every_metric_by_day_equals_the_events_and_a_day_across_the_seam_is_mixed_with_exact_distinct_users()
    {
        foreach (var metric in MetricNames) await AssertHistoryAsync(metric, Grain.Day, From, To.Date.AddDays(1));
        var days = (await HistoryAsync("active_users", Grain.Day, From, To.Date.AddDays(1))).GetProperty("points").EnumerateArray().ToList();
        Assert.Equal("mixed", days[1].GetProperty("source").GetString());
    }

    [Fact]
    public async Task Every_metric_by_minute_around_the_seam_equals_the_events()
    {
        foreach (var metric in MetricNames) await AssertHistoryAsync(metric, Grain.Minute, Seam.AddMinutes(-30), Seam.AddMinutes(30));
    }

    [Fact]
    public async Task Week_month_and_year_buckets_hold_the_whole_simulation_once()
    {
        foreach (var grain in new[] { Grain.Week, Grain.Month, Grain.Year })
        foreach (var metric in new[] { "plays", "active_users" })
        {
            var answer = await HistoryAsync(metric, grain, From, To);
            var point = Assert.Single(answer.GetProperty("points").EnumerateArray());
            Assert.Equal(Expected(metric, world.Events), point.GetProperty("value").GetInt64());
            Assert.Equal(SourceOf(From, To), point.GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task Seconds_of_a_loaded_hour_come_from_the_warehouse_and_of_an_unloaded_one_are_refused()
    {
        var hour = LastLoadedHour();
        await AssertHistoryAsync("plays", Grain.Second, hour.AddMinutes(50), hour.AddHours(1));
        await AssertHistoryAsync("page_views", Grain.Second, hour.AddMinutes(50), hour.AddHours(1));
        var response = await world.Http.GetAsync($"/api/history?metric=plays&grain=second&from={Iso(Seam)}&to={Iso(Seam.AddMinutes(5))}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("second is answered from the warehouse only", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Filters_by_level_gender_and_state_equal_the_filtered_events()
    {
        var state = world.Events.Where(e => e.Topic == Topics.Listen).GroupBy(e => e.State).MaxBy(g => g.Count())!.Key;
        await AssertHistoryAsync("plays", Grain.Hour, From, To, e => e.Level == "paid", "&level=paid");
        await AssertHistoryAsync("plays", Grain.Day, From, To.Date.AddDays(1), e => e.Gender == "F", "&gender=F");
        await AssertHistoryAsync("plays", Grain.Hour, From, To, e => e.State == state, $"&state={state}");
        await AssertHistoryAsync("active_users", Grain.Day, From, To.Date.AddDays(1), e => e.Level == "free", "&level=free");
        await AssertHistoryAsync("active_users", Grain.Hour, From, To, e => e.Gender == "M", "&gender=M");
        await AssertHistoryAsync("active_users", Grain.Day, From, To.Date.AddDays(1), e => e.State == state, $"&state={state}");
        await AssertHistoryAsync("page_views", Grain.Hour, From, To, e => e.Level == "free", "&level=free");
        await AssertHistoryAsync("sessions", Grain.Day, From, To.Date.AddDays(1), e => e.Level == "paid", "&level=paid");
    }

    [Fact]
    public async Task Speed_rows_of_a_loaded_hour_are_not_counted_again()
    {
        // A speed minute the warehouse has also loaded: if the API read it, the hour would count 1,000 plays more.
        var hour = LastLoadedHour();
        var minute = hour.AddMinutes(7).ToString("yyyy-MM-dd HH:mm:ss+00");
        await TestPostgres.ExecAsync(world.ConnectionString,
            $"insert into serving.listens_minute values ('{minute}', 'paid', 'F', 'ZZ', 1000) on conflict do nothing");
        try
        {
            await AssertHistoryAsync("plays", Grain.Hour, hour, hour.AddHours(1));
        }
        finally
        {
            await TestPostgres.ExecAsync(world.ConnectionString, $"delete from serving.listens_minute where minute = '{minute}' and state = 'ZZ'");
        }
    }

    [Theory]
    [InlineData("songs")]
    [InlineData("artists")]
    [InlineData("locations")]
    public async Task Top_rankings_over_the_seam_equal_the_events(string by)
    {
        var listens = world.Events.Where(e => e.Topic == Topics.Listen).ToList();
        var expected = (by switch
        {
            "songs" => listens.GroupBy(e => $"{e.Artist}\u001f{e.Song}"),
            "artists" => listens.GroupBy(e => e.Artist!),
            _ => listens.GroupBy(e => e.State),
        }).ToDictionary(g => g.Key, g => (long)g.Count());
        var answer = await world.Http.GetFromJsonAsync<JsonElement>($"/api/top?by={by}&from={Iso(From)}&to={Iso(To)}&n=10");
        Assert.Equal("mixed", answer.GetProperty("source").GetString());
        var items = answer.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Math.Min(10, expected.Count), items.Count);
        Assert.Equal(expected.Values.OrderDescending().Take(10), items.Select(i => i.GetProperty("plays").GetInt64()));
        foreach (var item in items)
        {
            var key = by switch
            {
                "songs" => $"{item.GetProperty("artist").GetString()}\u001f{item.GetProperty("song").GetString()}",
                "artists" => item.GetProperty("artist").GetString()!,
                _ => item.GetProperty("state").GetString()!,
            };
            Assert.Equal(expected[key], item.GetProperty("plays").GetInt64());
        }
    }

    [Fact]
    public async Task Users_by_gender_and_level_are_distinct_across_the_seam()
    {
        var logged = world.Events.Where(e => e.UserId is not null).ToList();
        var answer = await world.Http.GetFromJsonAsync<JsonElement>($"/api/users?by=gender,level&from={Iso(From)}&to={Iso(To)}");
        Assert.Equal(logged.Select(e => e.UserId).Distinct().Count(), answer.GetProperty("users").GetInt64());
        var expected = logged.GroupBy(e => (e.Gender, (string?)e.Level)).ToDictionary(g => g.Key, g => (long)g.Select(e => e.UserId).Distinct().Count());
        var groups = answer.GetProperty("groups").EnumerateArray()
            .ToDictionary(g => (g.GetProperty("gender").GetString(), g.GetProperty("level").GetString()), g => g.GetProperty("users").GetInt64());
        Assert.Equal(expected.OrderBy(x => x.Key), groups.OrderBy(x => x.Key));

        var byLevel = await world.Http.GetFromJsonAsync<JsonElement>($"/api/users?by=level&from={Iso(From)}&to={Iso(To)}");
        foreach (var g in byLevel.GetProperty("groups").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Null, g.GetProperty("gender").ValueKind);
            Assert.Equal(logged.Where(e => e.Level == g.GetProperty("level").GetString()).Select(e => e.UserId).Distinct().Count(), g.GetProperty("users").GetInt64());
        }
    }

    [Fact]
    public async Task Songs_per_user_per_day_and_per_session_equal_the_events()
    {
        var perDay = await world.Http.GetFromJsonAsync<JsonElement>($"/api/songs-per-user?per=day&from={Iso(From)}&to={Iso(To)}");
        var days = perDay.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(2, days.Count);
        foreach (var d in days)
        {
            var t = d.GetProperty("t").GetDateTime().ToUniversalTime();
            var of = world.Events.Where(e => e.Ts >= t && e.Ts < t.AddDays(1)).ToList();
            Assert.Equal(Expected("plays", of), d.GetProperty("songs").GetInt64());
            Assert.Equal(Expected("active_users", of), d.GetProperty("per").GetInt64());
        }
        var perSession = await world.Http.GetFromJsonAsync<JsonElement>($"/api/songs-per-user?per=session&from={Iso(From)}&to={Iso(To)}");
        Assert.Equal(Expected("sessions", world.Events), perSession.GetProperty("count").GetInt64());
        Assert.Equal(Math.Round((double)Expected("plays", world.Events) / Expected("sessions", world.Events), 3), perSession.GetProperty("average").GetDouble());
    }

    [Fact]
    public async Task Live_figures_are_the_speed_views_last_minutes_against_the_ones_before()
    {
        var live = await world.Http.GetFromJsonAsync<JsonElement>("/api/live?minutes=15");
        var through = live.GetProperty("through").GetDateTime().ToUniversalTime();
        var newest = world.Events.Max(e => e.Ts);
        Assert.Equal(new DateTime(newest.Ticks - newest.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc), through);
        foreach (var (period, from) in new[] { ("current", through.AddMinutes(-15)), ("previous", through.AddMinutes(-30)) })
        {
            var of = world.Events.Where(e => e.Ts >= from && e.Ts < from.AddMinutes(15)).ToList();
            var figures = live.GetProperty(period);
            Assert.Equal(Expected("plays", of), figures.GetProperty("plays").GetInt64());
            Assert.Equal(Expected("active_users", of), figures.GetProperty("activeUsers").GetInt64());
            Assert.Equal(Expected("page_views", of), figures.GetProperty("pageViews").GetInt64());
            Assert.Equal(Expected("logins", of), figures.GetProperty("logins").GetInt64());
        }
    }
}
