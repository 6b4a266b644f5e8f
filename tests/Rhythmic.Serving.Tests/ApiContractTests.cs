using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Testing;

namespace Rhythmic.Serving.Tests;

/// <summary>Every bad parameter is a 400 problem (RFC 7807) naming it; the OpenAPI document describes the API.</summary>
public sealed class ApiContractTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var settings = RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-serving-").FullName, new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = cs, ["Postgres:ReaderConnectionString"] = await TestPostgres.ReaderConnectionStringAsync(cs),
            ["Serving:Urls"] = $"http://127.0.0.1:{EmbeddedPostgres.FreePort()}",
        });
        _app = ServingHost.Build(settings);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(settings.Serving.Urls) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/history?grain=hour", "metric", "is required")]
    [InlineData("/api/history?metric=plays&grain=fortnight", "grain", "must be one of: second, minute, hour, day, week, month, year (got 'fortnight')")]
    [InlineData("/api/history?metric=plays&grian=day", "grian", "is not a parameter of /api/history")]
    [InlineData("/api/history?metric=plays&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from", "must be before 'to'")]
    [InlineData("/api/history?metric=plays&from=noon", "from", "is not an ISO 8601 time")]
    [InlineData("/api/history?metric=plays&grain=second&from=2026-03-02T00:00:00Z&to=2026-03-02T02:00:00Z", "from", "at most one hour before 'to' at grain second")]
    [InlineData("/api/history?metric=plays&grain=minute&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from", "more than 10000 buckets")]
    [InlineData("/api/history?metric=logins&level=paid", "level", "cannot filter metric logins")]
    [InlineData("/api/history?metric=plays&state=California", "state", "two-letter US state code")]
    [InlineData("/api/history?metric=plays&gender=X", "gender", "must be one of: M, F")]
    [InlineData("/api/history?metric=plays&metric=logins", "metric", "is given more than once")]
    [InlineData("/api/top?by=albums", "by", "must be one of: songs, artists, locations")]
    [InlineData("/api/top?n=0", "n", "must be a whole number from 1 to 100")]
    [InlineData("/api/users?by=age", "by", "must be one of: gender, level")]
    [InlineData("/api/songs-per-user?per=week", "per", "must be one of: day, session")]
    [InlineData("/api/live?minutes=0", "minutes", "must be a whole number from 1 to 1440")]
    [InlineData("/api/overview?minutes=-5", "minutes", "must be a whole number")]
    public async Task A_bad_parameter_is_a_problem_naming_it(string url, string parameter, string why)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors").GetProperty(parameter).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(errors, e => e!.StartsWith($"'{parameter}' ", StringComparison.Ordinal) && e.Contains(why, StringComparison.Ordinal));
        Assert.Contains(why, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_endpoint_answers_on_an_empty_platform()
    {
        foreach (var url in new[] { "/api/history?metric=plays", "/api/history?metric=active_users&grain=day", "/api/top", "/api/top?by=locations",
                     "/api/users", "/api/songs-per-user?per=session", "/api/live", "/api/overview", "/api/jobs" })
            Assert.True((await _http.GetAsync(url)).IsSuccessStatusCode, url);
        var live = await _http.GetFromJsonAsync<JsonElement>("/api/live?minutes=5");
        Assert.Equal(0, live.GetProperty("current").GetProperty("plays").GetInt64());
        Assert.Equal(JsonValueKind.Null, live.GetProperty("change").GetProperty("plays").ValueKind);
        var history = await _http.GetFromJsonAsync<JsonElement>("/api/history?metric=plays&grain=hour");
        Assert.Equal(JsonValueKind.Null, history.GetProperty("batchThrough").ValueKind);
        Assert.All(history.GetProperty("points").EnumerateArray(), p => Assert.Equal("speed", p.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_endpoint_and_a_page_renders_it()
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/history", "/api/top", "/api/users", "/api/songs-per-user", "/api/live", "/api/overview", "/api/jobs", "/api/jobs/history", "/health", "/metrics" })
            Assert.Contains(path, paths);
        Assert.Contains("/openapi/v1.json", await _http.GetStringAsync("/openapi"));
    }
}
