using System.Text.Json;
using Microsoft.Playwright;

namespace Rhythmic.Testing;

/// <summary>
/// What a browser test reads off the dashboard (serving/Rhythmic.Serving/Dashboard): its ECharts instances' data, once
/// the page has drawn every chart. Tests of the dashboard and the platform's end-to-end test share it.
/// </summary>
public static class DashboardProbe
{
    /// <summary>The element ids of the dashboard's charts (the map is one).</summary>
    public static IReadOnlyList<string> Charts { get; } = ["live-chart", "history-chart", "map", "users-chart", "logins-chart", "spu-chart"];

    /// <summary>Per chart: how many data items hold a number above zero, by series name, and "all" for every series.</summary>
    private const string ChartData = """
        ids => Object.fromEntries(ids.map(id => {
          const c = window.echarts && echarts.getInstanceByDom(document.getElementById(id));
          const series = c ? c.getOption().series : [];
          const positive = s => (s.data || []).filter(v => (typeof v === 'number' ? v : v && v.value) > 0).length;
          return [id, Object.fromEntries([['all', series.reduce((n, s) => n + positive(s), 0)], ...series.map(s => [s.name || s.type, positive(s)])])];
        }))
        """;

    /// <summary>
    /// Opens the dashboard at <paramref name="url"/> and waits (up to <paramref name="timeoutMs"/>) until every chart
    /// has data above zero and the page has refreshed itself twice; returns <see cref="ChartDataAsync"/>'s answer.
    /// </summary>
    public static async Task<Dictionary<string, Dictionary<string, int>>> OpenFullAsync(IPage page, string url, float timeoutMs = 60_000)
    {
        await page.GotoAsync(url);
        var ids = JsonSerializer.Serialize(Charts);
        await page.WaitForFunctionAsync($"Object.values(({ChartData})({ids})).every(c => c.all > 0) && Number(document.body.dataset.refreshes) >= 2",
            null, new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 200 });
        return await ChartDataAsync(page);
    }

    /// <summary>Waits until <paramref name="chart"/> has data above zero.</summary>
    public static Task WaitForChartAsync(IPage page, string chart, float timeoutMs = 60_000)
        => page.WaitForFunctionAsync($"({ChartData})([{JsonSerializer.Serialize(chart)}])[{JsonSerializer.Serialize(chart)}].all > 0", null,
            new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 200 });

    /// <summary>Per chart id, per series name (and "all"): the data items above zero the chart shows now.</summary>
    public static Task<Dictionary<string, Dictionary<string, int>>> ChartDataAsync(IPage page)
        => page.EvaluateAsync<Dictionary<string, Dictionary<string, int>>>(ChartData, Charts);

    /// <summary>Saves a full-page screenshot as the artifact <paramref name="name"/> (see <see cref="TestBrowser.ArtifactPath"/>) and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name = "dashboard.png")
    {
        var path = TestBrowser.ArtifactPath(name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
