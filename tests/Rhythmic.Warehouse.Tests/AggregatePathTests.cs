using FsCheck;
using FsCheck.Fluent;

namespace Rhythmic.Warehouse.Tests;

/// <summary>
/// The aggregates have two builders: a load into an empty warehouse (or of whole days) counts them in memory as it
/// writes the facts (BatchAggregates), and a load of hours beside loaded ones rebuilds them in SQL from the facts
/// (the SQL of Aggregates/, beside the C# of each). On random events both give the very same rows.
/// </summary>
public sealed class AggregatePathTests
{
    /// <summary>Two days before a month's end and the first of the next: days, months and a midnight are crossed.</summary>
    private static readonly DateTime Start = new(2024, 3, 30, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Every table a load writes, aggregates first.</summary>
    private static readonly string[] Tables =
    [
        "fact_session", "agg_minute", "agg_hour", "agg_song_day", "agg_song_day_top", "agg_artist_day", "agg_location_day",
        "agg_user_day", "agg_day_users", "agg_song_month", "agg_user_month", "agg_session_hour",
        "dim_user", "dim_song", "dim_location", "user_level_run", "fact_listen", "fact_page_view", "fact_auth", "fact_level_change",
    ];

    private static readonly string[] PageKinds = ["Home", "NextSong", "NextSong", "NextSong", "Login", "Submit Upgrade", "Submit Downgrade", "Logout"];

    /// <summary>One session: when it starts, whose it is (0: a guest), and its pages with the minutes before each.</summary>
    private sealed record Session(int Day, int Hour, int Minute, int User, bool Paid, int Place, int FirstSong, (int Page, int Gap)[] Pages);

    /// <summary>
    /// A case: the sessions, how many songs they choose from, which hours the first of two loads takes, and whether a
    /// listener plays 110 songs on the first day (more than a day's top list holds, when the catalog has them).
    /// </summary>
    private sealed record Case(Session[] Sessions, int Catalog, int FirstLoadHours, bool Marathon)
    {
        public override string ToString()
            => $"catalog {Catalog}, first-load mask {FirstLoadHours:x}, marathon {Marathon}, sessions: "
               + string.Join("; ", Sessions.Select(s => $"d{s.Day} {s.Hour:00}:{s.Minute:00} u{s.User} {(s.Paid ? "paid" : "free")} p{s.Place} s{s.FirstSong} [{string.Join(",", s.Pages.Select(p => $"{PageKinds[p.Page]}+{p.Gap}"))}]"));
    }

    private static readonly Gen<Session> Sessions =
        from day in Gen.Choose(0, 2)
        from hour in Gen.Elements(0, 1, 2, 11, 23)
        from minute in Gen.Choose(0, 59)
        from user in Gen.Choose(0, 4)
        from paid in ArbMap.Default.GeneratorFor<bool>()
        from place in Gen.Choose(0, 2)
        from firstSong in Gen.Choose(0, 200)
        from pages in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, PageKinds.Length - 1), Gen.Choose(0, 25)).Select(p => (p.Item1, p.Item2)))
        select new Session(day, hour, minute, user, paid, place, firstSong, pages);

    private static readonly Gen<Case> Cases =
        from sessions in Gen.NonEmptyListOf(Sessions).Select(s => s.ToArray())
        from catalog in Gen.Elements(3, 130)
        from mask in Gen.Choose(0, int.MaxValue)
        from marathon in ArbMap.Default.GeneratorFor<bool>()
        select new Case(sessions, catalog, mask, marathon);

    [Fact]
    public async Task Loading_hours_beside_loaded_ones_rebuilds_the_aggregates_a_load_of_every_hour_counts_in_memory()
    {
        var oneLoad = await StagedWarehouse.CreateAsync();
        var threeLoads = await StagedWarehouse.CreateAsync();
        // FsCheck runs a property synchronously: each case runs on the thread pool and is waited for there.
        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(20), Prop.ForAll(Cases.ToArbitrary(), c => Wait(async () =>
            {
                var events = EventsOf(c);
                var inFirst = events.Where(e => InFirstLoad(c, e.Ts)).ToList();
                var inSecond = events.Where(e => !InFirstLoad(c, e.Ts)).ToList();
                await ResetAsync(oneLoad);
                await ResetAsync(threeLoads);
                // All in one load into an empty warehouse: every aggregate is counted in memory.
                await oneLoad.ReplaceAsync(events);
                // Some hours, then the others beside them (fact_session.sql merges a session's parts, day_aggregates_rebuild.sql rebuilds each day that spans
                // both loads, month_aggregates_*.sql add to the months, session_hour_aggregates.sql counts the session hours again), then the first hours once
                // more (fact_session.sql rebuilds the sessions they touch from the facts): each time the same rows as the one load.
                if (inFirst.Count > 0) await threeLoads.ReplaceAsync(inFirst);
                if (inSecond.Count > 0) await threeLoads.ReplaceAsync(inSecond);
                await AssertSameRowsAsync(oneLoad, threeLoads, "after two loads");
                if (inFirst.Count > 0 && inSecond.Count > 0)
                {
                    await threeLoads.ReplaceAsync(inFirst);
                    await AssertSameRowsAsync(oneLoad, threeLoads, "after the first hours' reload");
                }
            }))));
    }

    private static void Wait(Func<Task> work) => Task.Run(work).GetAwaiter().GetResult();

    private static List<StagedEvent> EventsOf(Case c)
    {
        var script = new EventScript(c.Catalog);
        if (c.Marathon) script.Session(Start.AddHours(11).AddMinutes(5), 999, 1, "paid", songs: 110);
        for (var i = 0; i < c.Sessions.Length; i++)
        {
            var s = c.Sessions[i];
            var ts = Start.AddDays(s.Day).AddHours(s.Hour).AddMinutes(s.Minute);
            long? user = s.User == 0 ? null : s.User;
            var paid = s.Paid;
            var song = s.FirstSong;
            script.Page(ts, sessionId: 1000 + i, user, paid ? "paid" : "free", "Home", place: s.Place);
            foreach (var (page, gap) in s.Pages)
            {
                ts = ts.AddMinutes(gap).AddSeconds(7);
                var name = PageKinds[page];
                script.Page(ts, 1000 + i, user, paid ? "paid" : "free", name, song: song++, place: s.Place);
                if (name == "Submit Upgrade") paid = true;
                if (name == "Submit Downgrade") paid = false;
            }
        }
        return script.Events.ToList();
    }

    private static bool InFirstLoad(Case c, DateTime ts) => (c.FirstLoadHours >> (int)((ts - Start).TotalHours % 31) & 1) == 1;

    private static Task ResetAsync(StagedWarehouse w) => w.ExecAsync(WarehouseSql.Read("full/truncate.sql"));

    private static async Task AssertSameRowsAsync(StagedWarehouse expected, StagedWarehouse actual, string when)
    {
        foreach (var table in Tables)
            Assert.True(await RowsAsync(expected, table) == await RowsAsync(actual, table), $"dw.{table} differs {when}");
    }

    private static Task<string> RowsAsync(StagedWarehouse w, string table)
        => w.ScalarAsync<string>($"select count(*) || ':' || coalesce(md5(string_agg(x::text, ',' order by x::text)), '') from dw.{table} x");
}
