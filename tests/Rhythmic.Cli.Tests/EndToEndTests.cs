using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rhythmic.Core;
using Rhythmic.Core.Events;
using Rhythmic.Simulator;
using Rhythmic.Testing;
using Xunit.Abstractions;

namespace Rhythmic.Cli.Tests;

/// <summary>
/// The whole platform as a newcomer starts it: <c>rhythmic up</c> on the embedded Kafka with a private PostgreSQL, a
/// day of history and a live simulation at 60 times the clock. The figures it serves are checked against the same
/// simulation run apart from the platform (it is deterministic: a continuous run makes the events a history run of
/// the same span makes): the batch view's hours, the speed view's minutes, a bucket across the seam, and reconcile.
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const int Users = 1000;
    private const long Seed = 23;
    private const double Speed = 60;
    private static readonly string[] Metrics = ["plays", "active_users", "page_views", "logins", "failed_logins", "sessions", "level_changes"];

    /// <summary>The figures of the re-simulated events in [from, to), for one metric.</summary>
    private sealed class Expected(IReadOnlyList<RecordedEvent> events)
    {
        public long Of(string metric, DateTime from, DateTime to) => ExpectedFigures.Of(metric, events.Where(x => x.Ts >= from && x.Ts < to));
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Polls <paramref name="check"/> (null: holds; otherwise what differs) until it holds or the deadline passes.</summary>
    private static async Task EventuallyAsync(string what, Func<Task<string?>> check, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (await check() is { } differs)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}: {differs}");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_fresh_platform_serves_history_and_live_figures_equal_to_the_simulation_across_the_seam()
    {
        var root = Directory.CreateTempSubdirectory("rhythmic-e2e-").FullName;
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        var cs = await TestPostgres.CreateDatabaseAsync();
        var port = EmbeddedPostgres.FreePort();
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var environment = new Dictionary<string, string>
        {
            ["RHYTHMIC_HOME"] = home,
            ["RHYTHMIC__POSTGRES__CONNECTIONSTRING"] = cs,
            ["RHYTHMIC__POSTGRES__READERCONNECTIONSTRING"] = await TestPostgres.ReaderConnectionStringAsync(cs),
            ["RHYTHMIC__KAFKA__EMBEDDEDRETENTIONMB"] = "64",
            ["RHYTHMIC__LAKE__ROOT"] = Path.Combine(root, "lake"),
            ["RHYTHMIC__LANDER__ROLLSECONDS"] = "2",
            ["RHYTHMIC__SERVING__URLS"] = $"http://127.0.0.1:{port}",
            ["RHYTHMIC__SERVING__ADMINTOKEN"] = token,
            ["RHYTHMIC__SIMULATOR__UPUSERS"] = Users.ToString(CultureInfo.InvariantCulture),
            ["RHYTHMIC__SIMULATOR__SEED"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["RHYTHMIC__SIMULATOR__SPEED"] = Speed.ToString(CultureInfo.InvariantCulture),
            ["RHYTHMIC__SIMULATOR__HISTORYDAYS"] = "1",
        };
        using var up = ChildProcess.Start("up", Path.Combine(root, "up.log"), environment, home, "up");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            // up's switch from history to live: the start of the hour it started in.
            var committed = await up.WaitForLineAsync(new Regex(@"History committed to the lake: \d+ events before (\d{4}-\d\d-\d\d \d\d:00:00Z)"), TimeSpan.FromSeconds(120));
            var seam = DateTime.ParseExact(Regex.Match(committed, @"before (\d{4}-\d\d-\d\d \d\d:00:00Z)").Groups[1].Value, "yyyy-MM-dd HH:mm:ssZ",
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var history = new Expected(await SimulateAsync(seam.AddDays(-1), seam));

            // 1. The history: the scheduler's first load (an empty warehouse) puts the whole day in the batch view.
            await EventuallyAsync("the day of history in the batch view, equal to the simulation", async () =>
                await DiffAsync(http, "hour", seam.AddDays(-1), seam, history, _ => "batch", seam));
            output.WriteLine($"history equal to the simulation, hour by hour, up to the switch at {Iso(seam)}");

            // 2. The first live hour closes (60x the clock): the scheduler loads it when triggered, and reconcile finds the
            //    speed layer and the warehouse agreeing on it.
            var lastTrigger = DateTime.MinValue;
            await EventuallyAsync("the first live hour loaded by a triggered incremental load", async () =>
            {
                var answer = await http.GetFromJsonAsync<JsonElement>($"/api/history?metric=plays&grain=hour&from={Iso(seam)}&to={Iso(seam.AddHours(1))}");
                if (answer.GetProperty("batchThrough").ValueKind != JsonValueKind.Null && answer.GetProperty("batchThrough").GetDateTime().ToUniversalTime() > seam) return null;
                if (DateTime.UtcNow - lastTrigger > TimeSpan.FromSeconds(5))   // one queued run at a time is enough
                {
                    lastTrigger = DateTime.UtcNow;
                    using var trigger = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/incremental-load/trigger");
                    trigger.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    await http.SendAsync(trigger);
                }
                return $"batchThrough {answer.GetProperty("batchThrough")}";
            }, seconds: 240);
            var batchThrough = (await http.GetFromJsonAsync<JsonElement>($"/api/history?metric=plays&grain=hour&from={Iso(seam)}"))
                .GetProperty("batchThrough").GetDateTime().ToUniversalTime();
            using (var reconcile = ChildProcess.Start("reconcile", Path.Combine(root, "reconcile.log"), environment, home, "reconcile", "--hour", seam.ToString("yyyy-MM-ddTHH", CultureInfo.InvariantCulture)))
                Assert.True(await reconcile.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, $"reconcile of {Iso(seam)} found differences:\n{reconcile.Tail()}");

            // 3. Speed minutes after the loaded hours, once the speed view has moved well past them.
            var speedFrom = batchThrough;
            var speedTo = speedFrom.AddMinutes(10);
            await EventuallyAsync("the speed view past the minutes compared", async () =>
            {
                var live = await http.GetFromJsonAsync<JsonElement>("/api/live?minutes=1");
                return live.GetProperty("through").GetDateTime().ToUniversalTime() >= speedTo.AddMinutes(10) ? null : $"speed view through {live.GetProperty("through")}";
            }, seconds: 120);
            var all = new Expected(await SimulateAsync(seam.AddDays(-1), speedTo.AddMinutes(30)));
            await EventuallyAsync("the loaded live hours and the speed minutes equal to the simulation", async () =>
                await DiffAsync(http, "hour", seam, batchThrough, all, _ => "batch", batchThrough)
                ?? await DiffAsync(http, "minute", speedFrom, speedTo, all, _ => "speed", batchThrough));

            // 4. A bucket across the seam (the day or a wider bucket holding the last loaded hour and the first speed one):
            //    the speed view keeps moving, so its figure must lie between the simulation up to a minute the speed view
            //    had passed before the request and up to one it had not reached after it: nothing missed, nothing twice.
            var grain = new[] { "day", "week", "month", "year" }.FirstOrDefault(g => Bucket(g, batchThrough.AddHours(-1)) == Bucket(g, batchThrough));
            if (grain is null) output.WriteLine("the seam falls on a new year: no bucket spans it");
            else
            {
                var start = Bucket(grain, batchThrough);
                foreach (var metric in new[] { "plays", "active_users", "page_views" })
                {
                    var before = (await http.GetFromJsonAsync<JsonElement>("/api/live?minutes=1")).GetProperty("through").GetDateTime().ToUniversalTime();
                    var answer = await http.GetFromJsonAsync<JsonElement>($"/api/history?metric={metric}&grain={grain}&from={Iso(start)}&to={Iso(start.AddSeconds(1))}");
                    var after = (await http.GetFromJsonAsync<JsonElement>("/api/live?minutes=1")).GetProperty("through").GetDateTime().ToUniversalTime();
                    var point = Assert.Single(answer.GetProperty("points").EnumerateArray());
                    Assert.Equal("mixed", point.GetProperty("source").GetString());
                    var upTo = new Expected(await SimulateAsync(seam.AddDays(-1), after.AddMinutes(5)));
                    var (low, high) = (upTo.Of(metric, start, before.AddMinutes(-5)), upTo.Of(metric, start, after.AddMinutes(5)));
                    var value = point.GetProperty("value").GetInt64();
                    Assert.True(low <= value && value <= high, $"{metric} over the {grain} of {Iso(start)}: {value}, outside [{low}, {high}]");
                    output.WriteLine($"{metric} over the {grain} across the seam: {value} within [{low}, {high}]");
                }
            }

            // 5. The dashboard in a real browser: every chart and the map with data, from both views; its screenshot kept.
            await using var browser = await TestBrowser.LaunchAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"http://127.0.0.1:{port}/");
            foreach (var chart in new[] { "history-chart", "map", "live-chart" }) await DashboardProbe.WaitForChartAsync(page, chart, 90_000);
            var charts = await DashboardProbe.ChartDataAsync(page);
            output.WriteLine($"dashboard charts: {JsonSerializer.Serialize(charts)}");
            Assert.True(charts["history-chart"]["batch view"] > 0, "the history chart has no bar from the batch view");
            Assert.True(charts["history-chart"]["speed view"] > 0, "the history chart has no bar from the speed view");
            Assert.True(charts["map"]["all"] >= 5, $"only {charts["map"]["all"]} states have plays on the map");
            Assert.True(await page.Locator("#map svg path").CountAsync() >= 50, "the map drew fewer than 50 shapes");
            output.WriteLine($"dashboard screenshot: {await DashboardProbe.ScreenshotAsync(page, "end-to-end.png")}");
            browser.AssertNoErrors();
        }
        catch
        {
            output.WriteLine($"rhythmic up's log: {up.LogPath}\n{up.Tail()}");
            throw;
        }
    }

    private static DateTime Bucket(string grain, DateTime t) => grain switch
    {
        "day" => t.Date,
        "week" => t.Date.AddDays(-(((int)t.DayOfWeek + 6) % 7)),
        "month" => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        _ => new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    /// <summary>The platform's simulation of [from, to), run apart from it (up's options: its users, seed and growth).</summary>
    private static async Task<List<RecordedEvent>> SimulateAsync(DateTime from, DateTime to)
    {
        var events = new List<RecordedEvent>();
        await new Simulation(new SimulationOptions
        {
            From = new DateTimeOffset(from), To = new DateTimeOffset(to), Users = Users, Seed = Seed, Workers = 1, GrowthRate = 0.01,
        }).RunAsync(new EventRecorder(events), default);
        return events;
    }

    /// <summary>What differs between the API's buckets of every metric and the simulation's, or null when nothing does.</summary>
    private static async Task<string?> DiffAsync(HttpClient http, string grain, DateTime from, DateTime to, Expected expected, Func<DateTime, string> source, DateTime batchThrough)
    {
        var differs = new StringBuilder();
        foreach (var metric in Metrics)
        {
            var answer = await http.GetFromJsonAsync<JsonElement>($"/api/history?metric={metric}&grain={grain}&from={Iso(from)}&to={Iso(to)}");
            if (answer.GetProperty("batchThrough").ValueKind == JsonValueKind.Null || answer.GetProperty("batchThrough").GetDateTime().ToUniversalTime() < batchThrough)
                return $"batchThrough {answer.GetProperty("batchThrough")}, not yet {Iso(batchThrough)}";
            foreach (var p in answer.GetProperty("points").EnumerateArray())
            {
                var t = p.GetProperty("t").GetDateTime().ToUniversalTime();
                var next = grain == "hour" ? t.AddHours(1) : t.AddMinutes(1);
                var (want, got) = (expected.Of(metric, t, next), p.GetProperty("value").GetInt64());
                if (want != got || p.GetProperty("source").GetString() != source(t))
                    differs.Append(CultureInfo.InvariantCulture, $"{metric} {Iso(t)}: {got} ({p.GetProperty("source")}), simulated {want}; ");
            }
        }
        return differs.Length == 0 ? null : differs.ToString();
    }
}
