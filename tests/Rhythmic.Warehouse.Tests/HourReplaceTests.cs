namespace Rhythmic.Warehouse.Tests;

public sealed class HourReplaceTests
{
    private static readonly DateTime H0 = new(2024, 3, 9, 22, 0, 0, DateTimeKind.Utc);   // a Saturday, 22:00 UTC

    private static EventScript TwoUsersAndAGuest()
    {
        var s = new EventScript()
            .Session(H0.AddMinutes(5), sessionId: 10, userId: 1, level: "free", songs: 30, place: 0)   // runs into the next hour
            .Session(H0.AddMinutes(20), sessionId: 11, userId: 2, level: "paid", songs: 5, place: 1)
            .Session(H0.AddMinutes(30), sessionId: 12, userId: null, level: "free", songs: 2, place: 2);
        s.Page(H0.AddMinutes(59), 11, 2, "paid", "Login", success: false);
        return s;
    }

    [Fact]
    public async Task A_load_leaves_every_page_range_it_wrote_summarized_in_the_facts_ts_indexes()
    {
        // 4,000 sessions of 10 songs: 44,000 page views, several 128-page ranges of the BRIN index on ts.
        var s = new EventScript();
        for (var i = 0; i < 4000; i++) s.Session(H0.AddSeconds(i / 2.0), sessionId: 100 + i, userId: 1 + i % 300, level: "free", songs: 10, place: i);
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(s.Events);
        Assert.True(await w.ScalarAsync<long>("select pg_relation_size('dw.fact_page_view_202403') / 8192") > 2 * 128);
        Assert.Equal(0, await w.UnsummarizedFactRangesAsync());
    }

    [Fact]
    public async Task A_load_across_a_month_end_leaves_the_page_ranges_of_both_months_partitions_summarized()
    {
        // 8,000 sessions from 23:00 on the last day of March into April: more than two 128-page ranges in each partition.
        var start = new DateTime(2024, 3, 31, 23, 0, 0, DateTimeKind.Utc);
        var s = new EventScript();
        for (var i = 0; i < 8000; i++) s.Session(start.AddSeconds(i * 0.9), sessionId: 100 + i, userId: 1 + i % 300, level: "free", songs: 10, place: i);
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(s.Events);
        foreach (var partition in new[] { "fact_page_view_202403", "fact_page_view_202404" })
            Assert.True(await w.ScalarAsync<long>($"select pg_relation_size('dw.{partition}') / 8192") > 2 * 128, partition);
        Assert.Equal(0, await w.UnsummarizedFactRangesAsync());
    }

    [Fact]
    public async Task Fact_counts_equal_staged_event_counts_per_topic_and_hour()
    {
        var w = await StagedWarehouse.CreateAsync();
        var events = TwoUsersAndAGuest().Events;
        await w.ReplaceAsync(events);
        foreach (var (topic, table) in new[] { ("listen_events", "fact_listen"), ("page_view_events", "fact_page_view"), ("auth_events", "fact_auth") })
            foreach (var hour in events.Select(e => StagedWarehouse.HourOf(e.Ts)).Distinct())
            {
                var expected = events.Count(e => e.Topic == topic && StagedWarehouse.HourOf(e.Ts) == hour);
                var actual = await w.ScalarAsync<long>($"select count(*) from dw.{table} where ts >= '{hour:O}' and ts < '{hour.AddHours(1):O}'");
                Assert.Equal(expected, actual);
            }
        Assert.Equal(3, await w.ScalarAsync<long>("select count(*) from dw.fact_session"));
        Assert.Equal(31, await w.ScalarAsync<long>("select events from dw.fact_session where session_id = 10"));
    }

    [Fact]
    public async Task Every_fact_row_joins_exactly_one_row_of_each_dimension()
    {
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(TwoUsersAndAGuest().Events);
        foreach (var fact in new[] { "fact_listen", "fact_page_view", "fact_auth", "fact_level_change" })
        {
            var song = fact is "fact_listen" or "fact_page_view" ? "(select count(*) from dw.dim_song d where d.song_key = f.song_key)" : "1";
            var agent = fact is "fact_level_change" ? "1" : "(select count(*) from dw.dim_user_agent d where d.user_agent_key = f.user_agent_key)";
            var bad = await w.ScalarAsync<long>($"""
                select count(*) from dw.{fact} f
                where (select count(*) from dw.dim_date d where d.date_key = f.date_key) <> 1
                   or (select count(*) from dw.dim_time d where d.time_key = f.time_key) <> 1
                   or (select count(*) from dw.dim_user d where d.user_key = f.user_key) <> 1
                   or (select count(*) from dw.dim_location d where d.location_key = f.location_key) <> 1
                   or {song} <> 1 or {agent} <> 1
                """);
            Assert.Equal(0, bad);
        }
        Assert.Equal(0, await w.ScalarAsync<long>("""
            select count(*) from dw.fact_listen f join dw.dim_user u on u.user_key = f.user_key
            where u.user_key <> 0 and not (f.ts >= u.valid_from and f.ts < u.valid_to and u.level = f.level)
            """));
        Assert.Equal("Saturday", await w.ScalarAsync<string>("select distinct d.day_name from dw.fact_listen f join dw.dim_date d using (date_key) where f.ts < '2024-03-09 23:00Z'"));
        Assert.Equal("Massachusetts", await w.ScalarAsync<string>("select state_name from dw.dim_location where zip = '02108'"));
    }

    [Fact]
    public async Task SCD2_follows_a_user_who_upgrades_and_downgrades_within_one_hour()
    {
        var w = await StagedWarehouse.CreateAsync();
        var t = H0.AddMinutes(10);
        var s = new EventScript()
            .Page(t, 20, 7, "free", "NextSong").Page(t.AddMinutes(1), 20, 7, "free", "Submit Upgrade")
            .Page(t.AddMinutes(2), 20, 7, "paid", "NextSong").Page(t.AddMinutes(3), 20, 7, "paid", "Submit Downgrade")
            .Page(t.AddMinutes(4), 20, 7, "free", "NextSong");
        await w.ReplaceAsync(s.Events);
        Assert.Equal("free,paid,free", await w.ScalarAsync<string>("select string_agg(level, ',' order by valid_from) from dw.dim_user where user_id = 7"));
        Assert.Equal(1, await w.ScalarAsync<long>("select count(*) from dw.dim_user where user_id = 7 and is_current"));
        Assert.Equal("free,paid,free", await w.ScalarAsync<string>("select string_agg(u.level, ',' order by f.ts) from dw.fact_listen f join dw.dim_user u using (user_key)"));
        Assert.Equal("free>paid,paid>free", await w.ScalarAsync<string>("select string_agg(from_level || '>' || to_level, ',' order by ts) from dw.fact_level_change"));
    }

    [Fact]
    public async Task Replacing_hours_again_or_in_another_order_gives_identical_tables()
    {
        var events = TwoUsersAndAGuest().Session(H0.AddHours(5), 30, 1, "paid", 3).Events;
        var byHour = events.GroupBy(e => StagedWarehouse.HourOf(e.Ts)).OrderBy(g => g.Key).ToList();

        var once = await StagedWarehouse.CreateAsync();
        await once.ReplaceAsync(events);

        var hourly = await StagedWarehouse.CreateAsync();
        foreach (var g in byHour.AsEnumerable().Reverse()) await hourly.ReplaceAsync(g);
        foreach (var g in byHour) await hourly.ReplaceAsync(g);

        Assert.Equal(await once.ChecksumsAsync(), await hourly.ChecksumsAsync());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Hours_replaced_one_by_one_in_any_order_give_the_tables_of_one_load(int seed)
    {
        // Users whose level changes between and within hours, and whose name changes in a later hour: a reload rebuilds
        // their dim_user rows only from the row valid before its first hour, and the rows before take the new name.
        var random = new Random(seed);
        var s = new EventScript();
        var session = 100;
        for (var hour = 0; hour < 6; hour++)
            for (var user = 1; user <= 4; user++)
            {
                if (random.Next(4) == 0) continue;
                var level = random.Next(2) == 0 ? "free" : "paid";
                var name = hour >= 4 && user % 2 == 0 ? "Renamed" : null;
                s.Session(H0.AddHours(hour).AddMinutes(random.Next(50)), session++, user, level, random.Next(1, 4), place: user, lastName: name);
            }
        var byHour = s.Events.GroupBy(e => StagedWarehouse.HourOf(e.Ts)).ToList();

        var once = await StagedWarehouse.CreateAsync();
        await once.ReplaceAsync(s.Events);

        var hourly = await StagedWarehouse.CreateAsync();
        foreach (var g in byHour.OrderBy(_ => random.Next())) await hourly.ReplaceAsync(g);
        Assert.Equal(await once.ChecksumsAsync(), await hourly.ChecksumsAsync());
        foreach (var g in byHour.OrderBy(_ => random.Next()).Take(3)) await hourly.ReplaceAsync(g);
        Assert.Equal(await once.ChecksumsAsync(), await hourly.ChecksumsAsync());
        await hourly.ReplaceAsync(s.Events.Where(e => e.Ts >= H0.AddHours(1) && e.Ts < H0.AddHours(4)));   // three hours at once
        Assert.Equal(await once.ChecksumsAsync(), await hourly.ChecksumsAsync());
    }

    [Fact]
    public async Task A_reload_that_removes_a_users_latest_events_gives_the_user_the_names_of_its_last_remaining_run()
    {
        var early = new EventScript().Session(H0, 60, 9, "free", 2).Events;   // last name Last9
        var later = new EventScript().Session(H0.AddHours(1), 61, 9, "free", 2, lastName: "Renamed").Events;
        var other = new EventScript().Session(H0.AddHours(1).AddMinutes(5), 62, 10, "paid", 2).Events;
        const string names = "select string_agg(distinct last_name, ',') from dw.dim_user where user_id = 9";

        var incremental = await StagedWarehouse.CreateAsync();
        await incremental.ReplaceAsync(early);
        await incremental.ReplaceAsync([.. later, .. other]);
        Assert.Equal("Renamed", await incremental.ScalarAsync<string>(names));
        await incremental.ReplaceAsync(other);   // the second hour again, now without user 9's events

        var full = await StagedWarehouse.CreateAsync();
        await full.ReplaceAsync([.. early, .. other]);
        Assert.Equal("Last9", await incremental.ScalarAsync<string>(names));
        Assert.Equal(await full.ChecksumsAsync(), await incremental.ChecksumsAsync());
    }

    [Fact]
    public async Task A_late_event_that_splits_a_run_moves_the_facts_of_other_hours_to_the_new_user_row()
    {
        var early = new EventScript().Session(H0, 40, 9, "free", 3).Events;
        var later = new EventScript().Session(H0.AddHours(2), 41, 9, "free", 3).Events;
        var late = new EventScript().Page(H0.AddMinutes(50), 40, 9, "paid", "Home").Events;   // paid between the two

        var incremental = await StagedWarehouse.CreateAsync();
        await incremental.ReplaceAsync(early);
        await incremental.ReplaceAsync(later);
        await incremental.ReplaceAsync([.. early, .. late]);   // the first hour again, with its late event

        var full = await StagedWarehouse.CreateAsync();
        await full.ReplaceAsync([.. early, .. late, .. later]);

        Assert.Equal("free,paid,free", await incremental.ScalarAsync<string>("select string_agg(level, ',' order by valid_from) from dw.dim_user where user_id = 9"));
        Assert.Equal(await full.ChecksumsAsync(), await incremental.ChecksumsAsync());
    }

    [Fact]
    public async Task A_load_stopped_mid_hour_leaves_the_warehouse_as_it_was()
    {
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(TwoUsersAndAGuest().Events);
        var before = await w.ChecksumsAsync();
        var changed = new EventScript().Session(H0.AddMinutes(1), 50, 3, "paid", 10).Events;
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            w.ReplaceAsync(changed, afterRow: n => { if (n == 5) throw new InvalidOperationException("stopped"); }));
        Assert.Equal(before, await w.ChecksumsAsync());
    }

    [Fact]
    public async Task Events_of_one_user_at_one_instant_are_one_observation_whose_level_is_the_lowest()
    {
        var w = await StagedWarehouse.CreateAsync();
        var t = H0.AddMinutes(10);
        var s = new EventScript()
            .Page(t, 60, 8, "paid", "Home").Page(t.AddMinutes(1), 60, 8, "paid", "NextSong").Page(t.AddMinutes(1), 60, 8, "free", "Home")
            .Page(t.AddMinutes(2), 60, 8, "paid", "NextSong");
        await w.ReplaceAsync(s.Events);
        Assert.Equal("paid,free,paid", await w.ScalarAsync<string>("select string_agg(level, ',' order by first_ts) from dw.user_level_run where user_id = 8"));
        Assert.Equal(t.AddMinutes(1), await w.ScalarAsync<DateTime>("select last_ts from dw.user_level_run where user_id = 8 and level = 'free'"));
        Assert.Equal(1, await w.ScalarAsync<long>("select count(distinct first_name) from dw.user_level_run where user_id = 8"));
    }

    [Fact]
    public async Task A_session_takes_the_user_of_its_first_logged_in_event_and_the_level_and_place_of_its_first_event()
    {
        var w = await StagedWarehouse.CreateAsync();
        var t = H0.AddMinutes(10);
        var s = new EventScript()
            .Page(t, 70, null, "paid", "Home", place: 1).Page(t.AddMinutes(1), 70, null, "paid", "Login", place: 1)
            .Page(t.AddMinutes(2), 70, 5, "free", "NextSong").Page(t.AddMinutes(3), 70, 6, "free", "NextSong");
        await w.ReplaceAsync(s.Events);
        Assert.Equal("5|paid|Austin|4|2", await w.ScalarAsync<string>("""
            select u.user_id || '|' || f.level || '|' || l.city || '|' || f.events || '|' || f.listens
            from dw.fact_session f join dw.dim_user u using (user_key) join dw.dim_location l using (location_key)
            where f.session_id = 70
            """));
        Assert.Equal(t, await w.ScalarAsync<DateTime>("select start_ts from dw.fact_session where session_id = 70"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_across_two_hours_loaded_one_at_a_time_in_either_order_is_the_session_of_one_load(bool laterHourFirst)
    {
        // Session 80 is a guest until its second hour (user and level come from the later piece, level and place from the
        // earlier); session 81 is logged in from its first event (its user is the earlier piece's, though a later event
        // names another). The second hour's load merges its part with the row of the first, or the first's with the second's.
        var t = H0.AddMinutes(50);
        var s = new EventScript()
            .Page(t, 80, null, "free", "Home", place: 1).Page(t.AddMinutes(5), 80, null, "free", "Login", place: 1)
            .Page(t.AddMinutes(15), 80, 5, "paid", "NextSong", place: 2).Page(t.AddMinutes(20), 80, 5, "paid", "NextSong", place: 2)
            .Page(t.AddMinutes(8), 81, 6, "free", "NextSong", place: 0).Page(t.AddMinutes(12), 81, 7, "paid", "Home", place: 2);
        var byHour = s.Events.GroupBy(e => StagedWarehouse.HourOf(e.Ts)).OrderBy(g => g.Key).ToList();
        Assert.Equal(2, byHour.Count);

        var once = await StagedWarehouse.CreateAsync();
        await once.ReplaceAsync(s.Events);
        var hourly = await StagedWarehouse.CreateAsync();
        foreach (var g in laterHourFirst ? byHour.AsEnumerable().Reverse() : byHour) await hourly.ReplaceAsync(g);

        Assert.Equal(await once.ChecksumsAsync(), await hourly.ChecksumsAsync());
        const string Sessions = """
            select string_agg(f.session_id || '|' || coalesce(u.user_id::text, '-') || '|' || f.level || '|' || l.city || '|'
                              || f.events || '|' || f.listens || '|' || to_char(f.start_ts at time zone 'UTC', 'HH24:MI'), ' ' order by f.session_id)
            from dw.fact_session f join dw.dim_user u using (user_key) join dw.dim_location l using (location_key)
            """;
        var cities = EventScript.Places.Select(p => p.City).ToArray();
        Assert.Equal($"80|5|free|{cities[1]}|4|2|22:50 81|6|free|{cities[0]}|2|1|22:58", await hourly.ScalarAsync<string>(Sessions));
        Assert.Equal("22:00|2|3", await hourly.ScalarAsync<string>(
            "select string_agg(to_char(hour at time zone 'UTC', 'HH24:MI') || '|' || sessions || '|' || listens, ' ' order by hour) from dw.agg_session_hour"));
    }

    [Fact]
    public async Task Replacing_the_hours_on_either_side_of_a_loaded_hour_keeps_that_hours_events_in_their_session()
    {
        // Session 90 runs from 22:05 past midnight (50 songs, one every 3 minutes): its first and last hours are replaced
        // together, its middle hour is not, so its row is rebuilt rather than taken from the part of the two hours.
        var s = new EventScript().Session(H0.AddMinutes(5), 90, 3, "free", 50).Session(H0.AddMinutes(10), 91, 4, "paid", 3);
        var once = await StagedWarehouse.CreateAsync();
        await once.ReplaceAsync(s.Events);
        var w = await StagedWarehouse.CreateAsync();
        await w.ReplaceAsync(s.Events);
        await w.ReplaceAsync(s.Events.Where(e => e.Ts < H0.AddHours(1) || e.Ts >= H0.AddHours(2)),
            extraHours: [H0, H0.AddHours(2)]);

        Assert.Equal(await once.ChecksumsAsync(), await w.ChecksumsAsync());
        Assert.Equal(51L, await w.ScalarAsync<long>("select events from dw.fact_session where session_id = 90"));
    }
}
