using Rhythmic.Core;
using Rhythmic.Platform;
using Rhythmic.Testing;

namespace Rhythmic.Warehouse.Tests;

public sealed class UserAgentDimensionTests
{
    private static readonly DateTime H0 = new(2024, 3, 9, 22, 0, 0, DateTimeKind.Utc);

    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53";
    private const string Windows = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36";
    private const string Tablet = "Mozilla/5.0 (iPad; CPU OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53";

    /// <summary>The user agent texts of a fact table's rows in time order, read through dim_user_agent ("-" for none).</summary>
    private static string AgentsOf(string fact)
        => $"select string_agg(coalesce(a.user_agent, '-'), '|' order by f.ts) from dw.{fact} f join dw.dim_user_agent a using (user_agent_key)";

    [Fact]
    public async Task Facts_carry_their_user_agents_key_and_the_dimension_holds_each_text_once_with_its_families()
    {
        var w = await StagedWarehouse.CreateAsync();
        var s = new EventScript()
            .Page(H0.AddMinutes(1), 1, 1, "free", "Home", userAgent: IPhone)
            .Page(H0.AddMinutes(2), 1, 1, "free", "NextSong", userAgent: IPhone)
            .Page(H0.AddMinutes(3), 2, 2, "paid", "Login", userAgent: Windows)
            .Page(H0.AddMinutes(4), 2, 2, "paid", "NextSong", userAgent: Windows)
            .Page(H0.AddMinutes(5), 3, null, "free", "Home", userAgent: null);
        await w.ReplaceAsync(s.Events);

        Assert.Equal($"{IPhone}|{IPhone}|{Windows}|{Windows}|-", await w.ScalarAsync<string>(AgentsOf("fact_page_view")));
        Assert.Equal($"{IPhone}|{Windows}", await w.ScalarAsync<string>(AgentsOf("fact_listen")));
        Assert.Equal(Windows, await w.ScalarAsync<string>(AgentsOf("fact_auth")));
        Assert.Equal(0, await w.ScalarAsync<long>("select user_agent_key from dw.fact_page_view where session_id = 3"));
        Assert.Equal(3, await w.ScalarAsync<long>("select count(*) from dw.dim_user_agent"));   // none, and the two texts
        Assert.Equal("Safari/iOS/Mobile", await w.ScalarAsync<string>($"select browser || '/' || os || '/' || device from dw.dim_user_agent where user_agent = '{IPhone}'"));
        Assert.Equal("Safari/iOS/Mobile,Chrome/Windows/Desktop",
            await w.ScalarAsync<string>("select string_agg(browser || '/' || os || '/' || device, ',' order by ts) from dw.v_listen"));
        // No fact stores the text.
        Assert.Equal(0, await w.ScalarAsync<long>("select count(*) from information_schema.columns where table_schema = 'dw' and table_name like 'fact%' and column_name = 'user_agent'"));
    }

    [Fact]
    public async Task A_late_event_with_a_new_user_agent_adds_its_row_and_a_reload_keeps_the_others()
    {
        var w = await StagedWarehouse.CreateAsync();
        var first = new EventScript().Page(H0.AddMinutes(1), 1, 1, "free", "Home", userAgent: IPhone);
        await w.ReplaceAsync(first.Events);
        var key = await w.ScalarAsync<long>($"select user_agent_key from dw.dim_user_agent where user_agent = '{IPhone}'");

        var late = first.Page(H0.AddMinutes(30), 9, 9, "paid", "Home", userAgent: Tablet);
        await w.ReplaceAsync(late.Events);
        Assert.Equal($"{IPhone}|{Tablet}", await w.ScalarAsync<string>(AgentsOf("fact_page_view")));
        Assert.Equal(key, await w.ScalarAsync<long>($"select user_agent_key from dw.dim_user_agent where user_agent = '{IPhone}'"));
        Assert.Equal("Tablet", await w.ScalarAsync<string>($"select device from dw.dim_user_agent where user_agent = '{Tablet}'"));
    }

    [Fact]
    public async Task A_full_load_of_a_simulated_lake_keys_every_event_to_its_user_agent_parsed_whole()
    {
        var from = new DateTimeOffset(2024, 3, 9, 21, 0, 0, TimeSpan.Zero);
        var lake = await SimulatedLake.CreateAsync(from, from.AddHours(2), users: 1000, seed: 5);
        await lake.Loader().FullLoadAsync(default);

        // Events per user agent, read by DuckDB from the lake and by PostgreSQL through the dimension.
        var (rows, _) = await DuckDb.QueryAsync(
            $"select userAgent as a, count(*)::int as n from read_parquet('{lake.Root}/raw/page_view_events/**/*.parquet') group by 1");
        var expected = rows.Select(r => $"{r.GetProperty("a").GetString()}={r.GetProperty("n").GetInt32()}").Order(StringComparer.Ordinal);
        var actual = await lake.Db.ScalarAsync<string>(
            "select string_agg(a || '=' || n, E'\\n' order by a collate \"C\") from (select a.user_agent as a, count(*) as n from dw.fact_page_view f join dw.dim_user_agent a using (user_agent_key) group by 1) x");
        Assert.True(rows.Count > 10, $"{rows.Count} user agents");
        Assert.Equal(string.Join('\n', expected), actual);
        Assert.Equal(0, await lake.Db.ScalarAsync<long>("select count(*) from dw.dim_user_agent where user_agent_key <> 0 and 'Other' in (browser, os, device)"));
    }

    [Fact]
    public async Task A_warehouse_loaded_before_the_dimension_keeps_its_facts_user_agents_and_its_next_load_parses_them()
    {
        var cs = await TestPostgres.CreateDatabaseAsync(migrate: false);
        await MigrateBelowAsync(cs, 313);
        await TestPostgres.ExecAsync(cs, $"""
            select dw.ensure_dates('2024-03-01', '2024-03-01'), dw.ensure_fact_partitions('2024-03-01', '2024-03-01');
            insert into dw.fact_listen (date_key, time_key, user_key, song_key, location_key, session_id, item_in_session, level, duration, user_agent, ts)
            values (20240301, 3600, 0, 0, 0, 1, 2, 'free', 200, '{IPhone}', '2024-03-01 01:00Z');
            insert into dw.fact_page_view (date_key, time_key, user_key, song_key, location_key, session_id, item_in_session, level, page, auth, method, status, user_agent, ts)
            values (20240301, 3599, 0, 0, 0, 1, 1, 'free', 'Home', 'Guest', 'GET', 200, '{IPhone}', '2024-03-01 00:59:59Z'),
                   (20240301, 3600, 0, 0, 0, 1, 2, 'free', 'NextSong', 'Guest', 'PUT', 200, '{IPhone}', '2024-03-01 01:00Z'),
                   (20240301, 3700, 0, 0, 0, 2, 1, 'free', 'Login', 'Guest', 'PUT', 307, null, '2024-03-01 01:01:40Z'),
                   (20240301, 3800, 0, 0, 0, 3, 1, 'free', 'Home', 'Guest', 'GET', 200, 'some robot', '2024-03-01 01:03:20Z');
            insert into dw.fact_auth (date_key, time_key, user_key, location_key, session_id, item_in_session, level, is_success, user_agent, ts)
            values (20240301, 3700, 0, 0, 2, 1, 'free', true, '{Windows}', '2024-03-01 01:01:40Z');
            """);
        await PlatformMigrations.Migrator(TestPostgres.DataSource(cs)).MigrateAsync();

        var w = StagedWarehouse.On(cs);
        Assert.Equal($"{IPhone}|{IPhone}|-|some robot", await w.ScalarAsync<string>(AgentsOf("fact_page_view")));
        Assert.Equal(IPhone, await w.ScalarAsync<string>(AgentsOf("fact_listen")));
        Assert.Equal(Windows, await w.ScalarAsync<string>(AgentsOf("fact_auth")));
        Assert.Equal(3, await w.ScalarAsync<long>("select count(*) from dw.dim_user_agent where user_agent is not null and browser is null"));

        // The next load parses what the migration moved, whatever hours it loads.
        await w.ReplaceAsync(new EventScript().Page(H0, 5, 5, "paid", "Home", userAgent: Tablet).Events);
        Assert.Equal("Safari/iOS/Mobile|Chrome/Windows/Desktop|Safari/iOS/Tablet|Other/Other/Other", await w.ScalarAsync<string>($"""
            select string_agg(browser || '/' || os || '/' || device, '|' order by array_position(array['{IPhone}', '{Windows}', '{Tablet}', 'some robot'], user_agent))
            from dw.dim_user_agent where user_agent_key <> 0
            """));
        Assert.Equal($"{IPhone}|{IPhone}|-|some robot|{Tablet}", await w.ScalarAsync<string>(AgentsOf("fact_page_view")));
    }

    /// <summary>Applies the migrations below <paramref name="version"/> and records them as the migrator does, so it applies only the rest.</summary>
    private static async Task MigrateBelowAsync(string cs, int version)
    {
        await TestPostgres.ExecAsync(cs, """
            create table public.schema_migrations (version int primary key, name text not null, checksum text not null,
              applied_at timestamptz not null default now())
            """);
        foreach (var m in Migrator.Plan(PlatformMigrations.All).Where(m => m.Version < version))
        {
            await TestPostgres.ExecAsync(cs, m.Sql);
            await TestPostgres.ExecAsync(cs, $"insert into public.schema_migrations (version, name, checksum) values ({m.Version}, '{m.Name}', '{m.Checksum}')");
        }
    }
}
