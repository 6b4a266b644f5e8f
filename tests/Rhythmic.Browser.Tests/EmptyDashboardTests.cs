using Microsoft.Playwright;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Serving;
using Rhythmic.Testing;
using Xunit.Abstractions;

namespace Rhythmic.Browser.Tests;

/// <summary>The dashboard of a platform that has seen no event yet.</summary>
public sealed class EmptyDashboardTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_platform_without_events_shows_zeros_and_empty_lists_without_any_error()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var settings = RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-browser-").FullName, new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = cs, ["Postgres:ReaderConnectionString"] = await TestPostgres.ReaderConnectionStringAsync(cs),
            ["Serving:Urls"] = $"http://127.0.0.1:{EmbeddedPostgres.FreePort()}",
        });
        await using var app = ServingHost.Build(settings);
        await app.StartAsync();

        await using var browser = await TestBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(settings.Serving.Urls);
        await page.WaitForFunctionAsync("Number(document.body.dataset.refreshes) >= 2", null, new PageWaitForFunctionOptions { Timeout = 60_000 });

        Assert.Equal("0", await page.Locator("#fig-plays").InnerTextAsync());
        Assert.Contains("No plays in this period", await page.Locator("#top-songs").InnerTextAsync());
        Assert.Contains("none yet", await page.Locator("#health").InnerTextAsync());
        Assert.True(await page.Locator("#problems").IsHiddenAsync(), $"the page shows problems: {await page.Locator("#problems").InnerTextAsync()}");
        browser.AssertNoErrors();
        output.WriteLine($"screenshot: {await DashboardProbe.ScreenshotAsync(page, "dashboard-empty.png")}");
    }
}
