using System.Text;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Parsing;
using Rhythmic.Simulator.Data;
using Rhythmic.Simulator.Model;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Tests;

public sealed class InvariantTests
{
    [Fact]
    public async Task Every_event_keeps_the_domain_of_each_field_so_both_parser_paths_accept_it()
    {
        var (_, events) = await SharedRun.GetAsync();
        Assert.Contains(events, e => e.Auth == "Cancelled");
        Assert.Contains(events, e => e.Auth == "Guest");
        AcceptedByBothPaths(events.Select(e => (e.Topic, e.Json.GetRawText())));
    }

    [Fact]
    public async Task Every_event_made_from_eventsims_own_data_files_keeps_the_domains_too()
    {
        // GeoNames' US.txt reaches Guam and the Aleutians (longitudes past 170 east and west), the song catalog has its own durations.
        var sink = new MemorySink();
        var dataDir = Path.GetFullPath(Path.Combine(RhythmicConfiguration.FindHome(), "..", "shared", "eventsim-data"));
        await new Simulation(Sim.Options(users: 400, days: 2, growth: 10, attrition: 0.5) with { DataDir = dataDir }).RunAsync(sink, CancellationToken.None);
        AcceptedByBothPaths(sink.Pairs);
    }

    [Fact]
    public void Every_page_of_the_built_in_config_and_every_added_page_is_a_known_page()
    {
        var config = SiteConfig.Default();
        var engine = new Engine(config, WorldLoader.Default, 1, Sim.Start.ToUnixTimeMilliseconds(), Sim.Start.AddDays(1).ToUnixTimeMilliseconds(), 0, interactions: true);
        Assert.Subset(EventDomains.Pages.ToHashSet(), config.Pages.Concat(engine.Interactions.Select(i => i.Page)).ToHashSet());
        Assert.Subset(EventDomains.Methods.ToHashSet(), config.States.Select(s => s.Method).Concat(engine.Interactions.Select(i => i.Method)).ToHashSet());
        Assert.Subset(EventDomains.Statuses.ToHashSet(), config.States.Select(s => s.Status).Concat(engine.Interactions.Select(i => i.Status)).ToHashSet());
        Assert.Subset(EventDomains.Auths.ToHashSet(), config.States.Select(s => s.Auth).ToHashSet());
        Assert.Subset(EventDomains.Levels.ToHashSet(), config.States.Select(s => s.Level).ToHashSet());
    }

    /// <summary>
    /// Asserts the general parser accepts every event (else the dead letter's reason shows) and so does the fast path,
    /// unless the event has an escape (eventsim's song titles hold control characters), which the fast path leaves to it.
    /// </summary>
    private static void AcceptedByBothPaths(IEnumerable<(string Topic, string Json)> events)
    {
        var parser = new SpeedParser();
        var record = new EventRecord();
        var fields = new EventFields();
        var n = 0;
        foreach (var (topic, json) in events)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            Assert.True(parser.TryParse(topic, bytes, record, out var reason), $"{reason}: {json}");
            Assert.True(parser.TryParseFields(topic, bytes, ref fields) || json.Contains('\\'), $"the fast path declined {json}");
            n++;
        }
        Assert.True(n > 1000, $"only {n} events");
    }

    [Fact]
    public async Task Item_in_session_counts_up_by_one_and_time_never_goes_back_within_a_session()
    {
        var (_, events) = await SharedRun.GetAsync();
        foreach (var session in events.PageViews().GroupBy(e => e.SessionId))
        {
            var views = session.ToList();   // already in stream (time) order
            for (var i = 1; i < views.Count; i++)
            {
                Assert.Equal(views[i - 1].Item + 1, views[i].Item);
                Assert.True(views[i].Ts >= views[i - 1].Ts, $"session {session.Key} goes back in time");
            }
        }
    }

    [Fact]
    public async Task A_session_belongs_to_one_user()
    {
        var (_, events) = await SharedRun.GetAsync();
        foreach (var session in events.GroupBy(e => e.SessionId))
            Assert.True(session.Select(e => e.UserId).Where(u => u is not null).Distinct().Count() <= 1, $"session {session.Key} has several users");
    }

    [Fact]
    public async Task Songs_are_played_only_by_logged_in_users()
    {
        var (_, events) = await SharedRun.GetAsync();
        var listens = events.Where(e => e.Topic == Topics.Listen).ToList();
        Assert.NotEmpty(listens);
        Assert.All(listens, e => { Assert.Equal("Logged In", e.Auth); Assert.NotNull(e.UserId); });
        // Every listen has its NextSong page view with the same song at the same time.
        var nextSongs = events.PageViews().Where(e => e.Page == "NextSong")
            .Select(e => (e.SessionId, e.Ts, e.Json.GetProperty("song").GetString())).ToHashSet();
        Assert.All(listens, e => Assert.Contains((e.SessionId, e.Ts, e.Json.GetProperty("song").GetString()), nextSongs));
    }

    [Fact]
    public async Task Every_level_change_has_its_status_change_event_and_later_events_carry_the_new_level()
    {
        var (_, events) = await SharedRun.GetAsync();
        var changes = events.Where(e => e.Topic == Topics.StatusChange).Select(e => (e.UserId, e.Ts)).ToHashSet();
        Assert.NotEmpty(changes);
        var checkedChanges = 0;
        foreach (var user in events.PageViews().Where(e => e.UserId is not null).GroupBy(e => e.UserId))
        {
            var views = user.ToList();
            for (var i = 1; i < views.Count; i++)
            {
                var (before, after) = (views[i - 1], views[i]);
                if (before.Page is "Submit Upgrade" or "Submit Downgrade")
                {
                    Assert.Contains((before.UserId, before.Ts), changes);
                    var newLevel = before.Page == "Submit Upgrade" ? "paid" : "free";
                    if (after.Page != "Error") { Assert.Equal(newLevel, after.Level); checkedChanges++; }
                }
                else if (before.Level != after.Level && before.SessionId == after.SessionId)
                    Assert.Fail($"user {user.Key} changed level without a status change: {before.Json} -> {after.Json}");
            }
        }
        Assert.True(checkedChanges > 0);
        // The status change carries the level before the change.
        foreach (var e in events.Where(e => e.Topic == Topics.StatusChange))
        {
            var view = events.PageViews().First(v => v.UserId == e.UserId && v.Ts == e.Ts);
            Assert.Equal(view.Page == "Submit Upgrade" ? "free" : "paid", e.Level);
        }
    }

    [Fact]
    public async Task A_cancelled_user_never_returns()
    {
        var (_, events) = await SharedRun.GetAsync();
        var cancelled = events.PageViews().Where(e => e.Page == "Cancellation Confirmation").ToDictionary(e => e.UserId!.Value, e => e.Ts);
        Assert.NotEmpty(cancelled);
        foreach (var e in events.Where(e => e.UserId is { } u && cancelled.TryGetValue(u, out var at) && e.Ts > at))
            Assert.Fail($"user {e.UserId} came back after cancelling: {e.Json}");
        Assert.All(events.Where(e => e.Auth == "Cancelled"), e => Assert.Equal("Cancellation Confirmation", e.Page));
    }

    [Fact]
    public async Task Guests_carry_no_user_fields_and_register_through_submit_registration()
    {
        var (summary, events) = await SharedRun.GetAsync();
        Assert.True(summary.UsersCreated > 50, $"{summary.UsersCreated} arrivals");
        Assert.All(events.Where(e => e.Auth is "Guest" or "Logged Out"), e => Assert.False(e.Json.TryGetProperty("userId", out _)));
        var registrations = events.PageViews().Where(e => e.Page == "Submit Registration").ToList();
        Assert.NotEmpty(registrations);
        // Registration makes the guest a logged-in user with the registration time of its arrival.
        foreach (var r in registrations)
        {
            Assert.Equal("Logged In", r.Auth);
            Assert.True(r.Json.GetProperty("registration").GetInt64() <= r.Ts);
        }
    }

    [Fact]
    public async Task An_auth_event_follows_each_login_and_redirects_are_followed_one_second_later()
    {
        var (_, events) = await SharedRun.GetAsync();
        var auth = events.Where(e => e.Topic == Topics.Auth).Select(e => (e.SessionId, e.Ts)).ToHashSet();
        Assert.NotEmpty(auth);
        foreach (var session in events.PageViews().GroupBy(e => e.SessionId))
        {
            var views = session.ToList();
            for (var i = 1; i < views.Count; i++)
            {
                if (views[i - 1].Page == "Login")
                {
                    Assert.Contains((session.Key, views[i].Ts), auth);
                    Assert.Equal(views[i - 1].Ts + 1000, views[i].Ts);
                }
                if (views[i - 1].Json.GetProperty("status").GetInt32() == 307)
                    Assert.True(views[i].Ts >= views[i - 1].Ts + 1000);
            }
        }
    }

    [Fact]
    public async Task A_next_song_waits_for_the_previous_song_to_end()
    {
        var (_, events) = await SharedRun.GetAsync();
        foreach (var session in events.PageViews().GroupBy(e => e.SessionId))
        {
            Ev? lastSong = null;
            foreach (var v in session)
            {
                if (v.Page != "NextSong") continue;
                if (lastSong is not null)
                    Assert.True(v.Ts >= lastSong.Ts + (long)(lastSong.Json.GetProperty("duration").GetDouble() * 1000) - 1,
                        $"song at {v.Ts} starts before the one at {lastSong.Ts} ended");
                lastSong = v;
            }
        }
    }
}
