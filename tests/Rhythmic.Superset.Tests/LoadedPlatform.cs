using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.Testing;
using Rhythmic.Warehouse;

namespace Rhythmic.Superset.Tests;

/// <summary>
/// A migrated database holding what Superset would see: a few simulated hours backfilled into a lake and loaded into
/// the warehouse (dw.*) by a full load, and the speed view (serving.*) of the same events, written as the speed
/// layer counts them (minute x key). Built once per test process.
/// </summary>
internal static class LoadedPlatform
{
    // US daytime (11:00 in New York) of a Monday: 20,000 users give some 6,500 page views, logins and a few level changes.
    public static readonly DateTimeOffset From = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset To = From.AddHours(3);

    private static readonly Lazy<Task<(string Owner, string Reader)>> Built = new(BuildAsync);

    /// <summary>The owner's and the read-only role's connection strings of the loaded database.</summary>
    public static Task<(string Owner, string Reader)> ConnectionStringsAsync() => Built.Value;

    private static async Task<(string, string)> BuildAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var root = Directory.CreateTempSubdirectory("rhythmic-superset-lake-").FullName;
        var sink = new LakeSink(new LocalLakeStorage(root), new Rhythmic.Lake.LakeManifest(TestPostgres.DataSource(cs)), new LakeSinkOptions { WatermarkAt = To });
        await using (sink)
            await new Simulation(new SimulationOptions { From = From, To = To, Users = 20_000, Seed = 16, Workers = 1 }).RunAsync(sink, default);
        var settings = new RhythmicSettings { Home = root, Postgres = { ConnectionString = cs }, Lake = { Root = root } };
        await new WarehouseLoader(settings, TestPostgres.DataSource(settings.Postgres.EffectiveConnectionString), NullLogger<WarehouseLoader>.Instance).FullLoadAsync(default);
        await TestPostgres.ExecAsync(cs, SpeedViewOfTheWarehouse);
        Directory.Delete(root, recursive: true);
        return (cs, await TestPostgres.ReaderConnectionStringAsync(cs));
    }

    /// <summary>The speed layer's tables (design.md §4) filled from the loaded facts, by its counting rules.</summary>
    private const string SpeedViewOfTheWarehouse = """
        insert into serving.listens_minute (minute, level, gender, state, listens)
        select date_trunc('minute', ts, 'UTC'), level, coalesce(gender, ''), state, count(*) from dw.v_listen group by 1, 2, 3, 4;
        insert into serving.song_plays_minute (minute, artist, song, plays)
        select date_trunc('minute', ts, 'UTC'), artist, title, count(*) from dw.v_listen group by 1, 2, 3;
        insert into serving.artist_plays_minute (minute, artist, plays)
        select date_trunc('minute', ts, 'UTC'), artist, count(*) from dw.v_listen group by 1, 2;
        insert into serving.active_users_minute (minute, level, users)
        select date_trunc('minute', f.ts, 'UTC'), f.level, count(distinct coalesce(u.user_id, -f.session_id))
        from dw.fact_page_view f join dw.dim_user u on u.user_key = f.user_key group by 1, 2;
        insert into serving.page_views_minute (minute, page, level, status, views)
        select date_trunc('minute', ts, 'UTC'), page, level, status, count(*) from dw.fact_page_view group by 1, 2, 3, 4;
        insert into serving.auth_minute (minute, success, attempts)
        select date_trunc('minute', ts, 'UTC'), is_success, count(*) from dw.fact_auth group by 1, 2;
        insert into serving.level_changes_minute (minute, from_level, to_level, changes)
        select date_trunc('minute', ts, 'UTC'), from_level, to_level, count(*) from dw.fact_level_change group by 1, 2, 3;
        insert into serving.sessions_started_minute (minute, level, sessions)
        select date_trunc('minute', ts, 'UTC'), level, count(*) from dw.fact_page_view where item_in_session = 0 group by 1, 2;
        """;
}
