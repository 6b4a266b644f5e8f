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
        var node = await OrchestratorScheduler.BuildClientAsync(cs, CancellationToken.None);
        await OrchestratorScheduler.EnsureScheduleAsync(node, new OrchestrationOptions { ConnectionString = cs }, CancellationToken.None);
        await node.Shutdown(false, CancellationToken.None);
        var (app, http) = await StartAsync("s3cret", cs);
        await using var _ = app;

        var jobs = await http.GetFromJsonAsync<JsonElement[]>("/api/jobs");
        Assert.Contains(jobs!, j => j.GetProperty("job").GetString() == JobNames.FullLoad && !j.GetProperty("description").GetString()!.Contains("not stored"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/jobs/{JobNames.FullLoad}/trigger", null)).StatusCode);

        // The read-only role could not have stored it: it cannot even take the job store's row lock.
        await using var reader = new JobsControl(await TestPostgres.ReaderConnectionStringAsync(cs));
        await Assert.ThrowsAnyAsync<Quartz.JobPersistenceException>(() => reader.TriggerAsync(JobNames.FullLoad, null, CancellationToken.None));
    }
}
