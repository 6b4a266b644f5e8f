using Npgsql;
using Rhythmic.Testing;

namespace Rhythmic.Warehouse.Tests;

/// <summary>A private migrated database whose hours are replaced from events the test stages itself.</summary>
internal sealed class StagedWarehouse
{
    public string ConnectionString { get; }

    private StagedWarehouse(string cs) => ConnectionString = cs;

    public static async Task<StagedWarehouse> CreateAsync() => new(await TestPostgres.CreateDatabaseAsync());

    /// <summary>The warehouse of a database the test migrated itself.</summary>
    public static StagedWarehouse On(string connectionString) => new(connectionString);

    /// <summary>Replaces the hours of <paramref name="events"/> (plus <paramref name="extraHours"/>) in one transaction.</summary>
    public async Task ReplaceAsync(IEnumerable<StagedEvent> events, IEnumerable<DateTime>? extraHours = null, Action<long>? afterRow = null)
    {
        var list = events.ToList();
        var hours = list.Select(e => HourOf(e.Ts)).Concat(extraHours ?? []).Distinct().ToList();
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await HourReplacer.LockAsync(conn, tx, default);
        await HourReplacer.ReplaceAsync(conn, tx, hours, new StagedEventSource(list) { AfterRow = afterRow }, profile: null, default);
        await tx.CommitAsync();
    }

    /// <summary>Records <paramref name="hour"/> as loaded (what a lake load does after replacing it).</summary>
    public Task MarkLoadedAsync(DateTime hour)
        => TestPostgres.ExecAsync(ConnectionString, $"insert into dw.load_state values ('{hour:O}', 'test', 0, 0, 'incremental') on conflict do nothing");

    public Task ExecAsync(string sql) => TestPostgres.ExecAsync(ConnectionString, sql);

    public Task<T> ScalarAsync<T>(string sql) => TestPostgres.ScalarAsync<T>(ConnectionString, sql);

    /// <summary>
    /// The page ranges of the event facts' ts BRIN indexes left unsummarized (it summarizes them): an unsummarized range
    /// matches every scan, so the next load's delete of an hour would read the whole partition.
    /// </summary>
    public Task<long> UnsummarizedFactRangesAsync() => ScalarAsync<long>("""
        select coalesce(sum(brin_summarize_new_values(i.indexrelid)), 0) from pg_inherits p join pg_index i on i.indrelid = p.inhrelid
        where p.inhparent in ('dw.fact_listen'::regclass, 'dw.fact_page_view'::regclass, 'dw.fact_auth'::regclass, 'dw.fact_level_change'::regclass)
        """);

    /// <summary>A digest of every warehouse table's rows (order-free), to compare two warehouses.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ChecksumsAsync()
    {
        string[] tables = ["dim_date", "dim_time", "dim_user", "dim_song", "dim_location", "dim_user_agent", "user_level_run", "fact_listen",
            "fact_page_view", "fact_auth", "fact_level_change", "fact_session", "agg_minute", "agg_song_day", "agg_artist_day",
            "agg_location_day", "agg_user_day"];
        var sums = new Dictionary<string, string>();
        foreach (var t in tables)
            sums[t] = await ScalarAsync<string>($"select count(*) || ':' || coalesce(md5(string_agg(x::text, ',' order by x::text)), '') from dw.{t} x");
        return sums;
    }

    public static DateTime HourOf(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);
}
