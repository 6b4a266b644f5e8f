using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Testing;

namespace Rhythmic.Serving.Tests;

/// <summary>The serving API answers from the batch view for loaded hours and from the speed view otherwise.</summary>
public sealed class LambdaMergeTests
{
    private static readonly DateTime Loaded = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);   // the warehouse holds this hour
    private static readonly DateTime Recent = Loaded.AddHours(1);                                // only the speed layer has this one

    private static async Task<(WebApplication App, HttpClient Http, string Cs)> StartAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var port = EmbeddedPostgres.FreePort();
        var settings = RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-serving-").FullName,
            new Dictionary<string, string?> { ["Postgres:ConnectionString"] = cs, ["Postgres:ReaderConnectionString"] = await TestPostgres.ReaderConnectionStringAsync(cs), ["Serving:Urls"] = $"http://127.0.0.1:{port}" });
        var app = ServingHost.Build(settings);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(settings.Serving.Urls) }, cs);
    }

    private static string Ts(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss+00");

    /// <summary>Speed rows for both hours; batch rows (with different counts) for the loaded hour only.</summary>
    private static async Task SeedAsync(string cs)
    {
        foreach (var (hour, listens) in new[] { (Loaded, 5), (Recent, 7) })
            await TestPostgres.ExecAsync(cs, $"""
                insert into serving.listens_minute values ('{Ts(hour.AddMinutes(1))}', 'paid', 'F', 'CA', {listens}), ('{Ts(hour.AddMinutes(1))}', 'free', 'M', 'NY', 1);
                insert into serving.song_plays_minute (minute, artist, song, plays) values ('{Ts(hour.AddMinutes(1))}', 'Artist A', 'Song A', {listens});
                """);
        await TestPostgres.ExecAsync(cs, $"""
            insert into dw.agg_minute values ('{Ts(Loaded.AddMinutes(1))}', 20260302, 9, 0, 0, 0, 0, 0);
            insert into dw.agg_hour values ('{Ts(Loaded)}', 9, 0, 0, 0, 0, 0);
            insert into dw.load_state(hour, manifest_digest, files, events, load_kind) values ('{Ts(Loaded)}', 'x', 1, 9, 'incremental');
            """);
    }

    [Fact]
    public async Task Plays_come_from_the_batch_view_for_loaded_hours_and_the_speed_view_after_them()
    {
        var (app, http, cs) = await StartAsync();
        await using var _ = app;
        await SeedAsync(cs);

        var answer = await http.GetFromJsonAsync<JsonElement>($"/api/history?metric=plays&grain=hour&from={Loaded:O}&to={Recent.AddHours(1):O}");
        Assert.Equal(Recent, answer.GetProperty("batchThrough").GetDateTime().ToUniversalTime());
        Assert.Collection(answer.GetProperty("points").EnumerateArray(),
            p => { Assert.Equal("batch", p.GetProperty("source").GetString()); Assert.Equal(9, p.GetProperty("value").GetInt64()); },
            p => { Assert.Equal("speed", p.GetProperty("source").GetString()); Assert.Equal(8, p.GetProperty("value").GetInt64()); });
    }

    [Fact]
    public async Task Top_songs_ignore_speed_minutes_of_hours_the_warehouse_has_loaded()
    {
        var (app, http, cs) = await StartAsync();
        await using var _ = app;
        await SeedAsync(cs);

        var answer = await http.GetFromJsonAsync<JsonElement>($"/api/top?by=songs&from={Loaded:O}&to={Recent.AddHours(1):O}");
        var song = Assert.Single(answer.GetProperty("items").EnumerateArray());
        Assert.Equal("Song A", song.GetProperty("song").GetString());
        Assert.Equal(7, song.GetProperty("plays").GetInt64()); // the loaded hour's 5 speed plays are the batch view's (no facts here)
    }

    [Fact]
    public async Task A_bad_window_is_a_clear_client_error()
    {
        var (app, http, _) = await StartAsync();
        await using var __ = app;
        var response = await http.GetAsync("/api/history?metric=plays&from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'from' is not an ISO 8601 time", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Overview_and_dashboard_answer_on_an_empty_platform()
    {
        var (app, http, _) = await StartAsync();
        await using var __ = app;
        var overview = await http.GetFromJsonAsync<JsonElement>("/api/overview");
        Assert.Equal(0, overview.GetProperty("plays").GetInt64());
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("lastLoadedHour").ValueKind);
        Assert.Contains("<title>Rhythmic</title>", await http.GetStringAsync("/"));
        Assert.Empty((await http.GetFromJsonAsync<JsonElement[]>("/api/jobs/history?limit=10"))!);
        Assert.Equal(0, overview.GetProperty("gaps").GetInt64());
        Assert.Empty(overview.GetProperty("recentGaps").EnumerateArray());
    }

    [Fact]
    public async Task Overview_counts_the_recorded_consumer_gaps_and_lists_the_latest_first()
    {
        var (app, http, cs) = await StartAsync();
        await using var __ = app;
        await TestPostgres.ExecAsync(cs, """
            insert into ops.consumer_gaps (consumer_group, topic, partition, first_missing_offset, last_missing_offset, how, detected_at) values
              ('rhythmic-speed', 'listen_events', 0, 0, 99, 'before_first_read', '2026-03-02 10:00:00+00'),
              ('rhythmic-lander', 'page_view_events', 3, 500, 519, 'offset_reset', '2026-03-02 11:00:00+00');
            """);

        var overview = await http.GetFromJsonAsync<JsonElement>("/api/overview");
        Assert.Equal(2, overview.GetProperty("gaps").GetInt64());
        Assert.Equal(120, overview.GetProperty("missingMessages").GetInt64());
        var latest = overview.GetProperty("recentGaps").EnumerateArray().ToList();
        Assert.Equal(["rhythmic-lander", "rhythmic-speed"], latest.Select(g => g.GetProperty("consumerGroup").GetString()));
        Assert.Equal((3, 500L, 519L, 20L, "offset_reset"), (latest[0].GetProperty("partition").GetInt32(), latest[0].GetProperty("firstMissingOffset").GetInt64(),
            latest[0].GetProperty("lastMissingOffset").GetInt64(), latest[0].GetProperty("missingCount").GetInt64(), latest[0].GetProperty("how").GetString()));
        Assert.Contains("id=\"gaps\"", await http.GetStringAsync("/"));
    }
}
