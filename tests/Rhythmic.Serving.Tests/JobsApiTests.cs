using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Orchestration;
using Rhythmic.Testing;

namespace Rhythmic.Serving.Tests;

/// <summary>The scheduler over HTTP: reading is open, triggering needs the admin token.</summary>
public sealed class JobsApiTests
{
    private static Task<(WebApplication App, HttpClient Http)> StartAsync(string adminToken) => StartAsync(adminToken, null);

    private static async Task<(WebApplication App, HttpClient Http)> StartAsync(string adminToken, string? database)
    {
        var cs = database ?? await TestPostgres.CreateDatabaseAsync();
        var settings = RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-jobs-api-").FullName, new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = cs, ["Postgres:ReaderConnectionString"] = await TestPostgres.ReaderConnectionStringAsync(cs),
            ["Serving:Urls"] = $"http://127.0.0.1:{EmbeddedPostgres.FreePort()}",
            ["Serving:AdminToken"] = adminToken,
        });
        var app = ServingHost.Build(settings);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(settings.Serving.Urls) });
    }

    [Fact]
    public async Task Triggering_is_disabled_while_no_admin_token_is_configured()
    {
        var (app, http) = await StartAsync("");
        await using var _ = app;
        var response = await http.PostAsync("/api/jobs/full-load/trigger", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Triggering_needs_the_right_bearer_token()
    {
        var (app, http) = await StartAsync("s3cret");
        await using var _ = app;
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/api/jobs/full-load/trigger", null)).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/api/jobs/full-load/trigger", null)).StatusCode);
    }

    [Fact]
    public async Task Unknown_jobs_are_not_found()
    {
        var (app, http) = await StartAsync("s3cret");
        await using var _ = app;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/jobs/nightly-magic/trigger", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/jobs/history?job=nightly-magic")).StatusCode);
    }

    [Fact]
    public async Task Job_list_and_history_answer_before_any_run()
    {
        var (app, http) = await StartAsync("s3cret");
        await using var _ = app;
        var jobs = await http.GetFromJsonAsync<JsonElement[]>("/api/jobs");
        Assert.NotNull(jobs);
        Assert.Empty((await http.GetFromJsonAsync<JsonElement[]>("/api/jobs/history?failed=true"))!);
    }

    [Fact]
    public async Task A_bad_hour_is_a_client_error()
    {
        var (app, http) = await StartAsync("s3cret");
        await using var _ = app;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        var response = await http.PostAsync("/api/jobs/reconcile/trigger?hour=noon", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("hour 'noon'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_trigger_is_stored_as_the_owner_while_reads_go_through_the_read_only_role()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var (app, http) = await StartAsync("s3cret", cs);
        await using var _ = app;

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        var response = await http.PostAsync($"/api/jobs/{JobNames.FullLoad}/trigger", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();

        // The read-only role reads Hangfire's tables (migration 0501's default privileges): the queued run is listed.
        var jobs = await http.GetFromJsonAsync<JsonElement[]>("/api/jobs");
        var full = Assert.Single(jobs!, j => j.GetProperty("job").GetString() == JobNames.FullLoad);
        Assert.NotEqual(JsonValueKind.Null, full.GetProperty("nextRunAt").ValueKind);
        Assert.Equal("Enqueued", await new JobsControl(TestPostgres.DataSource(cs)).StateAsync(id!, CancellationToken.None));

        // The read-only role could not have stored it.
        var reader = new JobsControl(TestPostgres.DataSource(await TestPostgres.ReaderConnectionStringAsync(cs)), readOnly: true);
        await Assert.ThrowsAsync<Hangfire.BackgroundJobClientException>(() => reader.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None));
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_read_only_without_the_admin_token()
    {
        var (app, http, cs) = await StartWithScheduleAsync();
        await using var _ = app;

        var page = await http.GetStringAsync("/hangfire/recurring");
        Assert.Contains(JobNames.IncrementalLoad, page);
        Assert.DoesNotContain("js-jobs-list-command", page);   // no trigger or delete buttons
        var trigger = new FormUrlEncodedContent([new("jobs[]", JobNames.IncrementalLoad)]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/hangfire/recurring/trigger", trigger)).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/hangfire/recurring/trigger", trigger)).StatusCode);
        Assert.DoesNotContain("js-jobs-list-command", await http.GetStringAsync("/hangfire/recurring"));
    }

    [Fact]
    public async Task The_admin_token_enables_the_hangfire_dashboards_actions_by_header_or_login_cookie()
    {
        var (app, http, cs) = await StartWithScheduleAsync();
        await using var _ = app;

        var bearer = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret") } };
        Assert.Contains("js-jobs-list-command", await (await http.SendAsync(bearer)).Content.ReadAsStringAsync());

        // A browser gives the token once to the login form and gets a cookie (SameSite=Strict, HttpOnly).
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/hangfire-login", new FormUrlEncodedContent([new("token", "guess")]))).StatusCode);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = http.BaseAddress };
        var login = await browser.PostAsync("/hangfire-login", new FormUrlEncodedContent([new("token", "s3cret")]));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret", cookie);
        browser.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        var trigger = await browser.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", JobNames.Maintenance)]));
        Assert.Equal(HttpStatusCode.NoContent, trigger.StatusCode);
        Assert.Equal(1, HangfireSetup.Storage(TestPostgres.DataSource(cs), prepareSchema: false).GetMonitoringApi().EnqueuedCount("default"));
    }

    /// <summary>The serving host on a database where a scheduler server has stored the recurring jobs (and stopped).</summary>
    private static async Task<(WebApplication App, HttpClient Http, string Cs)> StartWithScheduleAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await (await SchedulerNode.StartAsync(new OrchestrationOptions { DataSource = TestPostgres.DataSource(cs), FullLoadWhenEmpty = false }, new NoLoads(), null, CancellationToken.None)).DisposeAsync();
        var (app, http) = await StartAsync("s3cret", cs);
        return (app, http, cs);
    }

    private sealed class NoLoads : ILoadRunner
    {
        public Task<LoadOutcome> FullLoadAsync(CancellationToken ct) => Task.FromResult(new LoadOutcome([], 0));
        public Task<LoadOutcome> IncrementalLoadAsync(CancellationToken ct) => Task.FromResult(new LoadOutcome([], 0));
        public Task<ReconcileOutcome> ReconcileAsync(DateTime hourUtc, CancellationToken ct) => Task.FromResult(new ReconcileOutcome(hourUtc, 0, ""));
    }
}
