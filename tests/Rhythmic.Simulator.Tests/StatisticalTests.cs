using Rhythmic.Core.Events;
using Rhythmic.Simulator.Sinks;
using Xunit.Abstractions;

namespace Rhythmic.Simulator.Tests;

public sealed class StatisticalTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Next_song_share_of_page_views_is_near_eventsims()
    {
        // eventsim's example config alone (no interaction pages): ~83 % of page views are NextSong.
        var sink = new MemorySink();
        await new Simulation(Sim.Options(users: 1000, days: 7) with { InteractionPages = false }).RunAsync(sink, CancellationToken.None);
        var plain = Share(Ev.Parse(sink));
        // With Thumbs Up/Down, Add to Playlist, Add Friend and Roll Advert (Interana's pages, as in the Sparkify sample).
        var withSink = new MemorySink();
        await new Simulation(Sim.Options(users: 1000, days: 7)).RunAsync(withSink, CancellationToken.None);
        var withInteractions = Share(Ev.Parse(withSink));
        output.WriteLine($"NextSong share: example config {plain:P1}, with interaction pages {withInteractions:P1}");
        Assert.InRange(plain, 0.80, 0.87);
        Assert.InRange(withInteractions, 0.72, 0.80);

        static double Share(List<Ev> events)
        {
            var views = events.PageViews().ToList();
            return views.Count(e => e.Page == "NextSong") / (double)views.Count;
        }
    }

    [Fact]
    public async Task Paid_users_listen_far_more_per_session_than_free_ones()
    {
        var (_, events) = await SharedRun.GetAsync();
        var sessions = events.PageViews().Where(e => e.Auth == "Logged In").GroupBy(e => e.SessionId)
            .Where(s => s.First().Item == 0 && s.Select(e => e.Level).Distinct().Count() == 1)
            .Select(s => (Level: s.First().Level, Songs: s.Count(e => e.Page == "NextSong"))).ToList();
        var paid = sessions.Where(s => s.Level == "paid").Average(s => s.Songs);
        var free = sessions.Where(s => s.Level == "free").Average(s => s.Songs);
        output.WriteLine($"songs per session: paid {paid:F1}, free {free:F1} ({sessions.Count} sessions)");
        // NextSong continues with p = .978 (paid) vs .563 (free) in the example config: several times more songs.
        Assert.True(paid > 3 * free, $"paid {paid:F1} vs free {free:F1}");
    }

    [Fact]
    public async Task Nights_are_quiet_and_weekends_thinner()
    {
        var (_, events) = await SharedRun.GetAsync();
        var views = events.PageViews().ToList();
        // Three-hour blocks of UTC time of day (US users: local 3 AM is 8-11 UTC).
        var blocks = new double[8];
        foreach (var e in views) blocks[DateTimeOffset.FromUnixTimeMilliseconds(e.Ts).Hour / 3]++;
        output.WriteLine("page views per 3-hour UTC block: " + string.Join(", ", blocks));
        Assert.True(blocks.Min() < 0.6 * blocks.Max(), "the daily cycle is visible");
        Assert.True(blocks[8 / 3] + blocks[9 / 3] < blocks[18 / 3] + blocks[21 / 3], "US night (UTC morning) is quieter than the US evening");
        // Two full weeks from a Monday: weekend days against weekdays.
        var perDay = views.GroupBy(e => DateTimeOffset.FromUnixTimeMilliseconds(e.Ts).AddHours(-6).DayOfWeek)
            .ToDictionary(g => g.Key, g => g.Count() / 2.0);
        var weekend = (perDay[DayOfWeek.Saturday] + perDay[DayOfWeek.Sunday]) / 2;
        var weekday = new[] { DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday }.Average(d => perDay[d]);
        output.WriteLine($"page views per day: weekend {weekend:F0}, midweek {weekday:F0} (ratio {weekend / weekday:F2})");
        Assert.True(weekend < 0.85 * weekday, $"weekend {weekend:F0} vs weekday {weekday:F0}");
    }

    [Fact]
    public void Us_holidays_are_the_federal_ones()
    {
        Assert.True(UsHolidays.IsHoliday(new DateOnly(2024, 11, 28)));   // Thanksgiving
        Assert.True(UsHolidays.IsHoliday(new DateOnly(2024, 5, 27)));    // Memorial Day
        Assert.True(UsHolidays.IsHoliday(new DateOnly(2024, 1, 15)));    // MLK Day
        Assert.True(UsHolidays.IsHoliday(new DateOnly(2025, 12, 25)));
        Assert.False(UsHolidays.IsHoliday(new DateOnly(2024, 11, 21)));
        Assert.Equal(11, Enumerable.Range(0, 366).Select(d => new DateOnly(2024, 1, 1).AddDays(d)).Count(UsHolidays.IsHoliday));
    }
}
