namespace Rhythmic.Warehouse.Tests;

/// <summary>
/// The analysts' functions that read the coarser aggregates (top_songs, users_by_gender_level, songs_per_user_per_day,
/// songs_per_session) return the very rows of a naive query over the facts, whichever way the warehouse was loaded.
/// </summary>
public sealed class CoarseAggregateTests
{
    // Crosses midnight twice and the end of a month, so days, weeks, months and years all have partial periods.
    private static readonly DateTimeOffset From = new(2024, 3, 30, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2024, 4, 1, 4, 0, 0, TimeSpan.Zero);

    private static readonly string[] DayRanges =
    [
        "'2024-03-01', '2024-05-01'", "'2024-01-01', '2025-01-01'", "'2024-03-31', '2024-04-02'", "'2024-03-30', '2024-03-31'",
        "'2024-04-01', '2024-04-02'", "'2024-03-31', '2024-03-31'", "'2024-04-01', '2024-03-30'", "'-infinity', 'infinity'",
    ];

    private static readonly string[] TimeRanges =
    [
        "'2024-03-01', '2024-05-01'", "'2024-03-30 21:30Z', '2024-04-01 02:15Z'", "'2024-03-31 10:00Z', '2024-03-31 10:20Z'",
        "'2024-03-31 10:00Z', '2024-03-31 13:00Z'", "'2024-03-31 10:40Z', '2024-03-31 11:00Z'", "'2024-04-01 02:00Z', '2024-03-31'",
        "'-infinity', 'infinity'",
    ];

    [Fact]
    public async Task After_a_full_load_the_functions_return_the_rows_of_naive_queries_over_the_facts()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 1000, seed: 23);
        await lake.Loader().FullLoadAsync(default);
        await AssertFunctionsMatchFactsAsync(lake.Db);
    }

    [Fact]
    public async Task After_incremental_loads_and_a_late_hour_the_functions_match_the_facts_and_the_aggregates_a_full_load_builds()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 1000, seed: 29);
        // First up to 14:00 on the 31st, then the rest: the second load's first day is one the first load began.
        await lake.Db.ExecAsync("update lake.watermarks set watermark = watermark - interval '14 hours'");
        await lake.Loader().IncrementalLoadAsync(default);
        await AssertFunctionsMatchFactsAsync(lake.Db);
        await lake.Db.ExecAsync("update lake.watermarks set watermark = watermark + interval '14 hours'");
        await lake.Loader().IncrementalLoadAsync(default);
        await AssertFunctionsMatchFactsAsync(lake.Db);

        // Late files for an hour in the middle of the 31st: its listens and page views once more.
        var hour = new DateTime(2024, 3, 31, 9, 0, 0, DateTimeKind.Utc);
        foreach (var topic in new[] { "listen_events", "page_view_events" })
        {
            var path = await lake.Db.ScalarAsync<string>($"select path from lake.files where topic = '{topic}' and hour = '{hour:O}' order by path limit 1");
            var latePath = path.Replace(".parquet", "-late.parquet");
            File.Copy(Path.Combine(lake.Root, path), Path.Combine(lake.Root, latePath));
            await lake.Db.ExecAsync($"""
                insert into lake.files (topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source)
                select topic, kafka_partition, first_offset, last_offset, hour, '{latePath}', row_count, bytes, source from lake.files where path = '{path}'
                """);
        }
        Assert.Equal([hour], (await lake.Loader().IncrementalLoadAsync(default)).Hours);
        await AssertFunctionsMatchFactsAsync(lake.Db);

        var incremental = await CoarseChecksumsAsync(lake.Db);
        await lake.Loader().FullLoadAsync(default);
        Assert.Equal(incremental, await CoarseChecksumsAsync(lake.Db));
    }

    [Fact]
    public async Task A_late_event_that_starts_a_session_an_hour_earlier_moves_it_to_that_hour()
    {
        var h0 = new DateTime(2024, 3, 31, 22, 0, 0, DateTimeKind.Utc);
        var w = await StagedWarehouse.CreateAsync();
        var first = new EventScript().Session(h0.AddMinutes(10), 90, 1, "free", 2).Events;
        var later = new EventScript().Session(h0.AddHours(1).AddMinutes(10), 91, 2, "paid", 4).Session(h0.AddHours(1).AddMinutes(20), 92, 3, "free", 1).Events;
        await w.ReplaceAsync(first);
        await w.ReplaceAsync(later);
        await AssertFunctionsMatchFactsAsync(w);

        // Session 91 had begun at 22:50 after all (a page view the lake received late).
        var late = new EventScript().Page(h0.AddMinutes(50), 91, 2, "paid", "Home").Events;
        await w.ReplaceAsync([.. first, .. late]);

        Assert.Equal(h0.AddMinutes(50), await w.ScalarAsync<DateTime>("select start_ts from dw.fact_session where session_id = 91"));
        Assert.Equal("2|1", await w.ScalarAsync<string>($"select sessions || '|' || (select sessions from dw.agg_session_hour where hour = '{h0.AddHours(1):O}') from dw.agg_session_hour where hour = '{h0:O}'"));
        await AssertFunctionsMatchFactsAsync(w);
    }

    [Fact]
    public async Task A_date_whose_hours_are_emptied_leaves_the_month_aggregates()
    {
        var day1 = new DateTime(2024, 4, 1, 10, 0, 0, DateTimeKind.Utc);
        var day2 = day1.AddDays(1);
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(new EventScript().Session(day1, 1, 1, "free", 3).Session(day1.AddMinutes(5), 2, 2, "paid", 2).Events);
        await w.ReplaceAsync(new EventScript().Session(day2, 3, 3, "free", 4).Session(day2.AddMinutes(30), 4, 1, "free", 1).Events);
        await AssertFunctionsMatchFactsAsync(w);

        await w.ReplaceAsync([], extraHours: [day2]);   // the hour is reloaded with no events

        Assert.Equal(0, await w.ScalarAsync<long>("select count(*) from dw.agg_user_month where user_id = 3 or days = 0"));
        Assert.Equal(0, await w.ScalarAsync<long>("select count(*) from dw.agg_song_month where plays <= 0"));
        Assert.Equal(1, await w.ScalarAsync<long>("select days from dw.agg_user_month where user_id = 1"));
        await AssertFunctionsMatchFactsAsync(w);
    }

    private static async Task AssertFunctionsMatchFactsAsync(StagedWarehouse db)
    {
        foreach (var range in TimeRanges)
        {
            foreach (var grain in new[] { "hour", "week", "month", "year" })
                await AssertSameRowsAsync(db, $"select * from dw.top_songs('{grain}', {range}, 3)", NaiveTopSongs(grain, range, 3));
            // A day keeps its 100 most played songs: more are counted from the day's every song.
            foreach (var n in new[] { 0, 3, 100, 101 })
                await AssertSameRowsAsync(db, $"select * from dw.top_songs('day', {range}, {n})", NaiveTopSongs("day", range, n));
            await AssertSameRowsAsync(db, $"select * from dw.songs_per_session({range})", NaiveSongsPerSession(range));
        }
        foreach (var range in DayRanges)
        {
            await AssertSameRowsAsync(db, $"select * from dw.users_by_gender_level({range})", NaiveUsersByGenderLevel(range));
            await AssertSameRowsAsync(db, $"select * from dw.songs_per_user_per_day({range})", NaiveSongsPerUserPerDay(range));
        }
        // Not vacuous: the whole span has plays, users and sessions.
        Assert.NotEqual("", await db.ScalarAsync<string>(RowsOf("select * from dw.top_songs('month', '2024-01-01', '2025-01-01', 3)")));
        Assert.True(await db.ScalarAsync<long>("select count(*) from dw.users_by_gender_level('2024-01-01', '2025-01-01')") > 0);
        Assert.True(await db.ScalarAsync<long>("select sessions from dw.songs_per_session('2024-01-01', '2025-01-01')") > 0);
    }

    private static async Task AssertSameRowsAsync(StagedWarehouse db, string function, string naive)
    {
        var expected = await db.ScalarAsync<string>(RowsOf(naive));
        var actual = await db.ScalarAsync<string>(RowsOf(function));
        Assert.True(expected == actual, $"{function}\n  expected: {expected}\n  actual:   {actual}");
    }

    /// <summary>The rows of a query, in its order, as one text.</summary>
    private static string RowsOf(string query) => $"select coalesce(string_agg(r::text, ' ; '), '') from ({query}) r";

    /// <summary>Listens counted from fact_listen: minute and hour grains over [from, to), coarser ones over the dates of from up to that of to.</summary>
    private static string NaiveTopSongs(string grain, string range, int n) => $"""
        with period as (
          select a as from_ts, b as to_ts from (values ({range})) v(a, b)
        ),
        listens as (
          select f.ts, f.song_key from dw.fact_listen f, period p
          where case when '{grain}' in ('minute', 'hour') then f.ts >= p.from_ts::timestamptz and f.ts < p.to_ts::timestamptz
                     else f.ts >= ((p.from_ts::timestamptz at time zone 'UTC')::date)::timestamp at time zone 'UTC'
                      and f.ts < ((p.to_ts::timestamptz at time zone 'UTC')::date)::timestamp at time zone 'UTC' end
        ),
        plays as (
          select date_trunc('{grain}', ts, 'UTC') as period_start, song_key, count(*) as plays from listens group by 1, 2
        ),
        ranked as (
          select p.*, row_number() over (partition by period_start order by plays desc, song_key) as rank from plays p
        )
        select r.period_start, r.rank, s.artist, s.title, r.plays
        from ranked r join dw.dim_song s on s.song_key = r.song_key
        where r.rank <= {n} order by r.period_start, r.rank
        """;

    private static string NaiveUsersByGenderLevel(string range) => $"""
        select u.gender, p.level, count(distinct u.user_id)
        from dw.fact_page_view p join dw.dim_user u on u.user_key = p.user_key, (values ({range})) v(a, b)
        where p.user_key <> 0 and p.ts >= v.a::date::timestamp at time zone 'UTC' and p.ts < v.b::date::timestamp at time zone 'UTC'
        group by 1, 2 order by 1, 2
        """;

    private static string NaiveSongsPerUserPerDay(string range) => $"""
        with per_user_day as (
          select (p.ts at time zone 'UTC')::date, u.user_id, count(*) filter (where p.page = 'NextSong') as plays
          from dw.fact_page_view p join dw.dim_user u on u.user_key = p.user_key, (values ({range})) v(a, b)
          where p.user_key <> 0 and p.ts >= v.a::date::timestamp at time zone 'UTC' and p.ts < v.b::date::timestamp at time zone 'UTC'
          group by 1, 2
        )
        select round(avg(plays), 3), count(*) from per_user_day
        """;

    /// <summary>A session starts at its first page view (every event is one) and plays its NextSong pages.</summary>
    private static string NaiveSongsPerSession(string range) => $"""
        with sessions as (
          select session_id, min(ts) as start_ts, count(*) filter (where page = 'NextSong') as listens
          from dw.fact_page_view group by session_id
        )
        select round(avg(s.listens), 3), count(*)
        from sessions s, (values ({range})) v(a, b)
        where s.start_ts >= v.a::timestamptz and s.start_ts < v.b::timestamptz
        """;

    /// <summary>A digest of each coarse aggregate table's rows (order-free).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> CoarseChecksumsAsync(StagedWarehouse db)
    {
        var sums = new Dictionary<string, string>();
        foreach (var t in new[] { "agg_song_day_top", "agg_song_month", "agg_user_month", "agg_day_users", "agg_session_hour" })
            sums[t] = await db.ScalarAsync<string>($"select count(*) || ':' || coalesce(md5(string_agg(x::text, ',' order by x::text)), '') from dw.{t} x");
        return sums;
    }
}
