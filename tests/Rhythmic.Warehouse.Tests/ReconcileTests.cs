using Rhythmic.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Warehouse.Tests;

public sealed class ReconcileTests
{
    private static readonly DateTime Hour = new(2024, 2, 29, 13, 0, 0, DateTimeKind.Utc);

    private static DateTime MinuteOf(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc);

    private static IReadOnlyList<StagedEvent> Events()
    {
        var s = new EventScript()
            .Session(Hour.AddMinutes(2), 1, 1, "free", 8).Session(Hour.AddMinutes(3), 2, 2, "paid", 8)
            .Session(Hour.AddMinutes(4), 3, null, "free", 2);
        s.Page(Hour.AddMinutes(30), 4, 5, "free", "Login").Page(Hour.AddMinutes(31), 4, 5, "free", "Login", success: false);
        return s.Events;
    }

    /// <summary>Fills the serving tables the way the speed layer would, computed here from the events (skipping <paramref name="late"/>).</summary>
    private static async Task ServeAsync(StagedWarehouse w, IEnumerable<StagedEvent> events, ISet<StagedEvent>? late = null)
    {
        late ??= new HashSet<StagedEvent>();
        var counted = events.Where(e => !late.Contains(e)).ToList();
        var sql = new List<string>();
        foreach (var g in counted.Where(e => e.Topic == "listen_events").GroupBy(e => (MinuteOf(e.Ts), e.Artist, e.Song)))
            sql.Add($"insert into serving.song_plays_minute (minute, artist, song, plays) values ('{g.Key.Item1:O}', '{g.Key.Artist!.Replace("'", "''")}', '{g.Key.Song!.Replace("'", "''")}', {g.Count()})");
        foreach (var g in counted.Where(e => e.Topic == "page_view_events").GroupBy(e => (MinuteOf(e.Ts), e.Page, e.Level, e.Status)))
            sql.Add($"insert into serving.page_views_minute values ('{g.Key.Item1:O}', '{g.Key.Page}', '{g.Key.Level}', {g.Key.Status}, {g.Count()})");
        foreach (var g in counted.Where(e => e.Topic == "auth_events").GroupBy(e => (MinuteOf(e.Ts), e.Success)))
            sql.Add($"insert into serving.auth_minute values ('{g.Key.Item1:O}', {g.Key.Success}, {g.Count()})");
        foreach (var g in counted.Where(e => e.Topic == "page_view_events").GroupBy(e => (MinuteOf(e.Ts), e.Level)))
            sql.Add($"insert into serving.active_users_minute values ('{g.Key.Item1:O}', '{g.Key.Level}', {g.Select(e => e.UserId ?? -e.SessionId).Distinct().Count()})");
        foreach (var g in events.Where(late.Contains).GroupBy(e => (e.Topic, MinuteOf(e.Ts))))
            sql.Add($"insert into serving.late_events (topic, minute, events) values ('{g.Key.Topic}', '{g.Key.Item2:O}', {g.Count()})");
        await w.ExecAsync(string.Join(";\n", sql));
    }

    private static async Task<(StagedWarehouse W, Reconciler R)> LoadedAsync(IReadOnlyList<StagedEvent> events)
    {
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(events);
        await w.MarkLoadedAsync(Hour);
        var settings = new RhythmicSettings { Postgres = { ConnectionString = w.ConnectionString } };
        return (w, new Reconciler(TestPostgres.DataSource(settings.Postgres.EffectiveConnectionString), NullLogger<Reconciler>.Instance));
    }

    [Fact]
    public async Task Reconcile_reports_zero_on_clean_data_and_records_the_run()
    {
        var events = Events();
        var (w, r) = await LoadedAsync(events);
        await ServeAsync(w, events);
        var result = await r.ReconcileAsync(Hour.AddMinutes(17), default);
        Assert.True(result.Clean, string.Join("\n", result.Differences));
        Assert.Equal(Hour, result.Hour);
        Assert.Equal(0, await w.ScalarAsync<long>("select differences from ops.reconcile_run"));
    }

    [Fact]
    public async Task Late_events_the_speed_layer_counted_are_allowed_for()
    {
        var events = Events();
        var (w, r) = await LoadedAsync(events);
        var late = events.Where(e => e.SessionId == 1 && e.ItemInSession is 3 or 4 && e.Topic != "page_view_events").ToHashSet();
        await ServeAsync(w, events, late);
        var result = await r.ReconcileAsync(Hour, default);
        Assert.True(result.Clean, string.Join("\n", result.Differences));
    }

    [Fact]
    public async Task A_tampered_minute_is_reported_with_the_right_difference()
    {
        var events = Events();
        var (w, r) = await LoadedAsync(events);
        await ServeAsync(w, events);
        var minute = MinuteOf(events.First(e => e.Topic == "listen_events" && e.SessionId == 2).Ts);
        await w.ExecAsync($"update serving.song_plays_minute set plays = plays + 2 where minute = '{minute:O}'");
        await w.ExecAsync($"update serving.auth_minute set attempts = attempts - 1 where success");
        var result = await r.ReconcileAsync(Hour, default);
        var listen = Assert.Single(result.Differences, d => d.Measure == "listens per song");
        Assert.Equal((minute, 3L, 1L), (listen.Minute, listen.SpeedValue, listen.WarehouseValue));
        var login = Assert.Single(result.Differences, d => d.Measure == "logins");
        Assert.Equal(("success", 0L, 1L), (login.Key, login.SpeedValue, login.WarehouseValue));
        Assert.Equal(2, result.Differences.Count);
        Assert.Equal(2, await w.ScalarAsync<long>("select count(*) from ops.reconcile_difference"));
    }

    [Fact]
    public async Task An_hour_not_loaded_yet_is_refused()
    {
        var (_, r) = await LoadedAsync(Events());
        await Assert.ThrowsAsync<Rhythmic.Core.RhythmicException>(() => r.ReconcileAsync(Hour.AddHours(3), default));
    }
}
