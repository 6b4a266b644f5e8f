namespace Rhythmic.Warehouse.Tests;

public sealed class AnalystFunctionTests
{
    private static readonly DateTime Day = new(2024, 7, 3, 0, 0, 0, DateTimeKind.Utc);

    private static async Task<(StagedWarehouse W, IReadOnlyList<StagedEvent> Events)> LoadedAsync()
    {
        var s = new EventScript()
            .Session(Day.AddHours(1), 1, 1, "free", 4, place: 0)
            .Session(Day.AddHours(1).AddMinutes(3), 2, 2, "paid", 6, place: 1)
            .Session(Day.AddHours(5), 3, 1, "free", 2, place: 0)
            .Session(Day.AddDays(1).AddHours(2), 4, 3, "paid", 3, place: 2)
            .Session(Day.AddHours(7), 5, null, "free", 1, place: 2);
        s.Page(Day.AddHours(9), 6, 4, "free", "Login").Page(Day.AddHours(9).AddMinutes(1), 7, 4, "free", "Login", success: false);
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(s.Events);
        return (w, s.Events);
    }

    [Fact]
    public async Task Plays_at_every_grain_add_up_to_the_listens()
    {
        var (w, events) = await LoadedAsync();
        var listens = events.Count(e => e.Topic == "listen_events");
        foreach (var grain in new[] { "minute", "hour", "day", "week", "month", "year" })
            Assert.Equal(listens, await w.ScalarAsync<long>($"select sum(plays) from dw.plays('{grain}', '2024-07-01', '2024-08-01')"));
        Assert.Equal(2, await w.ScalarAsync<long>("select count(*) from dw.plays('day', '2024-07-01', '2024-08-01')"));
        Assert.Equal(1, await w.ScalarAsync<long>("select sum(logins) from dw.logins('hour', '2024-07-03', '2024-07-04')"));
        Assert.Equal(2, await w.ScalarAsync<long>("select sum(attempts) from dw.logins('month', '2024-07-01', '2024-08-01')"));
    }

    [Fact]
    public async Task Top_songs_artists_and_locations_agree_between_fact_and_aggregate_grains()
    {
        var (w, events) = await LoadedAsync();
        var top = events.Where(e => e.Topic == "listen_events").GroupBy(e => e.Song).Select(g => g.Count()).Max();
        Assert.Equal(top, await w.ScalarAsync<long>("select plays from dw.top_songs('month', '2024-07-01', '2024-08-01', 3) where rank = 1"));
        Assert.Equal(
            await w.ScalarAsync<string>("select string_agg(artist || plays, ',' order by rank) from dw.top_artists('month', '2024-07-01', '2024-08-01')"),
            await w.ScalarAsync<string>("""
                select string_agg(artist || plays, ',' order by plays desc, artist) from (
                  select artist, sum(plays) as plays from dw.top_artists('hour', '2024-07-01', '2024-08-01', 100) group by artist) x
                """));
        Assert.Equal("Boston", await w.ScalarAsync<string>("select city from dw.top_locations('year', '2024-01-01', '2025-01-01', 1)"));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => w.ScalarAsync<long>("select count(*) from dw.plays('fortnight', '2024-01-01', '2025-01-01')"));
    }

    [Fact]
    public async Task Users_by_gender_and_level_and_songs_per_user_and_session()
    {
        var (w, _) = await LoadedAsync();
        Assert.Equal("F/paid:1,M/free:1", await w.ScalarAsync<string>("select string_agg(gender || '/' || level || ':' || users, ',') from dw.users_by_gender_level('2024-07-03', '2024-07-04') where level is not null and users > 0 and gender is not null and (gender, level) <> ('F', 'free')"));
        // Day 1: user 1 played 4 + 2, user 2 played 6, user 4 none (logins only): (6 + 6 + 0) / 3.
        Assert.Equal(4m, await w.ScalarAsync<decimal>("select avg_songs from dw.songs_per_user_per_day('2024-07-03', '2024-07-04')"));
        Assert.Equal(16m / 7, await w.ScalarAsync<decimal>("select avg_songs from dw.songs_per_session('2024-07-01', '2024-08-01')"), 3);
    }
}
