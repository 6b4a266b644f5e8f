using System.Net;
using Microsoft.AspNetCore.Builder;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Observability;
using Rhythmic.Testing;

namespace Rhythmic.Serving.Tests;

public sealed class ServingHostTests
{
    private static RhythmicSettings Settings(string connectionString, int port, string? readerConnectionString = null) => RhythmicConfiguration.Load(
        Directory.CreateTempSubdirectory("rhythmic-serving-").FullName,
        new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = connectionString, ["Postgres:ReaderConnectionString"] = readerConnectionString,
            ["Serving:Urls"] = $"http://127.0.0.1:{port}",
        });

    private static async Task<RhythmicSettings> SettingsOfANewDatabaseAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        return Settings(cs, EmbeddedPostgres.FreePort(), await TestPostgres.ReaderConnectionStringAsync(cs));
    }

    private static async Task<(WebApplication App, HttpClient Http)> StartAsync(RhythmicSettings settings)
    {
        var app = ServingHost.Build(settings);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(settings.Serving.Urls) });
    }

    [Fact]
    public async Task Health_is_ok_when_PostgreSQL_answers()
    {
        var (app, http) = await StartAsync(await SettingsOfANewDatabaseAsync());
        await using var _ = app;
        var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"ok\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_is_degraded_when_PostgreSQL_is_unreachable()
    {
        var nobody = $"Host=127.0.0.1;Port={EmbeddedPostgres.FreePort()};Username=x;Database=x;Timeout=2";
        var (app, http) = await StartAsync(Settings(nobody, EmbeddedPostgres.FreePort()));
        await using var _ = app;
        var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("degraded", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_text_format()
    {
        MetricsRegistry.Default.Counter("rhythmic_test_events_total", "Events seen by the test.", ("topic", "listen_events")).Inc(3);
        var (app, http) = await StartAsync(await SettingsOfANewDatabaseAsync());
        await using var _ = app;
        var text = await http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE rhythmic_test_events_total counter", text);
        Assert.Contains("rhythmic_test_events_total{topic=\"listen_events\"} 3", text);
    }
}
