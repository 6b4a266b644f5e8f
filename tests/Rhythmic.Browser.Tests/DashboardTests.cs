using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Rhythmic.Testing;
using Xunit.Abstractions;

namespace Rhythmic.Browser.Tests;

/// <summary>The dashboard, opened in headless Chromium over a host whose batch and speed views hold one simulated world.</summary>
public sealed class DashboardTests(DashboardWorld world, ITestOutputHelper output) : IClassFixture<DashboardWorld>
{
    private const float Timeout = 60_000;

    [Fact]
    public async Task The_dashboard_shows_numbers_charts_and_the_map_from_both_views_and_keeps_refreshing()
    {
        await using var browser = await TestBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        // Every chart drawn with data, and two refreshes done in the page (it refreshes itself without reloading).
        var data = await DashboardProbe.OpenFullAsync(page, world.Url, Timeout);
        output.WriteLine(JsonSerializer.Serialize(data));

        // The history's bars come from both views: loaded hours from the warehouse, the hours since from the speed view.
        Assert.True(data["history-chart"]["batch view"] > 0, "history has no bar from the batch view");
        Assert.True(data["history-chart"]["speed view"] > 0, "history has no bar from the speed view");
        Assert.True(data["live-chart"]["speed view"] > 0, "the live plays per minute have no bar from the speed view");

        // The map: the us-atlas states drawn as SVG paths, and states with plays among the series' values.
        Assert.True(await page.EvaluateAsync<int>("echarts.getMap('USA').geoJSON.features.length") >= 50);
        Assert.True(await page.Locator("#map svg path").CountAsync() >= 50, "the map drew fewer than 50 shapes");
        Assert.True(data["map"]["all"] >= 5, $"only {data["map"]["all"]} states have plays on the map");

        // Headline figures are numbers, plays above zero; the lists and the data health panel are filled.
        foreach (var figure in new[] { "plays", "activeUsers", "pageViews", "sessions", "logins", "failedLogins", "levelChanges" })
            Assert.Matches(@"^\d{1,3}(,\d{3})*$", await page.Locator($"#fig-{figure}").InnerTextAsync());
        // Over the last hour (the headline window's widest choice) the simulated world has played something.
        await page.SelectOptionAsync("#live-minutes", "60");
        await page.WaitForFunctionAsync("document.getElementById('status').textContent.startsWith('last hour through')", null,
            new PageWaitForFunctionOptions { Timeout = Timeout });
        Assert.NotEqual("0", await page.Locator("#fig-plays").InnerTextAsync());
        Assert.Equal(10, await page.Locator("#top-songs tr").CountAsync());
        Assert.Equal(10, await page.Locator("#top-artists tr").CountAsync());
        Assert.Equal(10, await page.Locator("#top-places tr").CountAsync());
        Assert.Contains("No gaps recorded", await page.Locator("#gaps").InnerTextAsync());
        Assert.Equal(world.Seam.AddHours(-1).ToString("MM-dd HH:mm"), await page.Locator("#health .v").Nth(3).InnerTextAsync());

        Assert.True(await page.Locator("#problems").IsHiddenAsync(), $"the page shows problems: {await page.Locator("#problems").InnerTextAsync()}");
        browser.AssertNoErrors();

        var screenshot = await DashboardProbe.ScreenshotAsync(page);
        output.WriteLine($"screenshot: {screenshot}");
        Console.WriteLine($"Dashboard screenshot: {screenshot}");
    }

    [Fact]
    public async Task Choosing_another_metric_and_grain_redraws_the_history_from_the_API()
    {
        await using var browser = await TestBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(world.Url);
        await DashboardProbe.WaitForChartAsync(page, "history-chart", Timeout);

        var answer = page.WaitForResponseAsync(r => r.Url.Contains("/api/history?metric=active_users&grain=day"), new PageWaitForResponseOptions { Timeout = Timeout });
        await page.SelectOptionAsync("#h-metric", "active_users");
        await page.SelectOptionAsync("#h-grain", "day");
        Assert.Equal(200, (await answer).Status);
        await page.WaitForFunctionAsync("document.getElementById('history-note').textContent.startsWith('active users per day')", null,
            new PageWaitForFunctionOptions { Timeout = Timeout });
        var labels = await page.EvaluateAsync<string[]>("echarts.getInstanceByDom(document.getElementById('history-chart')).getOption().xAxis[0].data");
        Assert.InRange(labels.Length, 7, 9); // 7 days rounded out to whole days

        // The states the places list found are offered as a filter; choosing one asks the API for that state only.
        var state = await page.Locator("#h-state option").Nth(1).GetAttributeAsync("value");
        Assert.Matches("^[A-Z]{2}$", state);
        var filtered = page.WaitForResponseAsync(r => r.Url.Contains($"&state={state}"), new PageWaitForResponseOptions { Timeout = Timeout });
        await page.SelectOptionAsync("#h-state", state!);
        Assert.Equal(200, (await filtered).Status);
        await page.WaitForFunctionAsync($"document.getElementById('history-note').textContent.includes('(state {state})')", null,
            new PageWaitForFunctionOptions { Timeout = Timeout });
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Without_its_chart_libraries_the_page_says_how_to_install_them_and_still_shows_its_figures()
    {
        await using var browser = await TestBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        // What the host answers when serving/web/node_modules is missing (see the test below for the host's side).
        await page.RouteAsync("**/vendor/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 404, ContentType = "text/plain", Body = "echarts.min.js (echarts/dist/echarts.min.js) is not installed: run ./setup.sh",
        }));
        await page.GotoAsync(world.Url);
        await page.WaitForFunctionAsync("Number(document.body.dataset.refreshes) >= 1", null, new PageWaitForFunctionOptions { Timeout = Timeout });

        Assert.Contains("run ./setup.sh", await page.Locator("#problems").InnerTextAsync());
        Assert.Contains("Charts unavailable", await page.Locator("#history-chart").InnerTextAsync());
        Assert.Matches(@"^\d{1,3}(,\d{3})*$", await page.Locator("#fig-plays").InnerTextAsync());
        Assert.Equal(10, await page.Locator("#top-songs tr").CountAsync());
    }

    [Fact]
    public async Task The_host_serves_the_page_its_files_and_the_vendor_libraries_and_nothing_else()
    {
        using var http = new HttpClient { BaseAddress = new Uri(world.Url) };
        Assert.Contains("/dashboard/dashboard.js", await http.GetStringAsync("/"));
        foreach (var (path, type) in new[] { ("/dashboard/dashboard.js", "text/javascript"), ("/dashboard/dashboard.css", "text/css"),
                     ("/vendor/echarts.min.js", "text/javascript"), ("/vendor/topojson-client.min.js", "text/javascript"), ("/vendor/states-albers-10m.json", "application/json") })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith(type, response.Content.Headers.ContentType?.ToString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/vendor/package.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/DashboardEndpoints.cs")).StatusCode);
    }
}
