namespace Rhythmic.Warehouse.Tests;

public sealed class LakeLoadTests
{
    private static readonly DateTimeOffset From = new(2024, 3, 9, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(5);   // crosses midnight UTC

    [Fact]
    public async Task Full_load_of_a_simulated_lake_gives_one_fact_per_event_per_topic_and_hour()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 3000);
        const string indexes = "select string_agg(indexdef, E'\n' order by indexdef) from pg_indexes where schemaname = 'dw' and tablename !~ '_[0-9]{6}$'";
        var migrated = await lake.Db.ScalarAsync<string>(indexes);
        var result = await lake.Loader().FullLoadAsync(default);
        Assert.Equal(5, result.Hours.Count);
        // The full load drops the indexes of the tables it writes whole and builds them again at the end (partitions aside).
        Assert.Equal(migrated, await lake.Db.ScalarAsync<string>(indexes));
        Assert.Contains("fact_session_pkey", migrated);

        Assert.Equal(await lake.Db.ScalarAsync<long>("select sum(row_count) from lake.files"), result.Rows);
        foreach (var (topic, table) in new[] { ("listen_events", "fact_listen"), ("page_view_events", "fact_page_view"), ("auth_events", "fact_auth"), ("status_change_events", "fact_level_change") })
        {
            var mismatched = await lake.Db.ScalarAsync<long>($"""
                with lake as (select hour, sum(row_count) as n from lake.files where topic = '{topic}' group by hour),
                     dw as (select date_trunc('hour', ts, 'UTC') as hour, count(*) as n from dw.{table} group by 1)
                select count(*) from lake full join dw using (hour) where lake.n is distinct from dw.n
                """);
            Assert.Equal(0, mismatched);
        }
        var listens = await lake.Db.ScalarAsync<long>("select count(*) from dw.fact_listen");
        Assert.True(listens > 200, $"{listens} listens of {result.Rows} events");
        Assert.Equal(0, await lake.Db.ScalarAsync<long>("""
            select count(*) from dw.fact_page_view f left join dw.dim_user u on u.user_key = f.user_key
            where u.user_key is null or (u.user_key <> 0 and not (f.ts >= u.valid_from and f.ts < u.valid_to))
            """));
        Assert.Equal(5, await lake.Db.ScalarAsync<long>("select count(*) from dw.load_state"));
        // Once committed, the load analyzes every table (statistics for the questions); its facts' ts ranges are summarized.
        Assert.Equal("", await lake.Db.ScalarAsync<string>("""
            select coalesce(string_agg(s.relname, ' ' order by s.relname), '') from pg_stat_user_tables s join pg_class c on c.oid = s.relid
            where s.schemaname = 'dw' and c.relkind = 'r' and s.relname not like 'stg\_%' and s.last_analyze is null
            """));
        Assert.Equal(0, await lake.Db.UnsummarizedFactRangesAsync());
    }

    [Fact]
    public async Task Incremental_loads_then_a_full_load_give_identical_tables_and_a_second_incremental_changes_nothing()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 3000, seed: 11);
        var first = await lake.Loader().IncrementalLoadAsync(default);
        Assert.Equal(5, first.Hours.Count);
        var incremental = await lake.Db.ChecksumsAsync();
        Assert.Empty((await lake.Loader().IncrementalLoadAsync(default)).Hours);
        await lake.Loader().FullLoadAsync(default);
        Assert.Equal(incremental, await lake.Db.ChecksumsAsync());
    }

    [Fact]
    public async Task Late_events_in_the_lake_trigger_a_reload_of_their_hour_only()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 3000, seed: 13);
        await lake.Loader().IncrementalLoadAsync(default);
        var hour = From.AddHours(1).UtcDateTime;
        var before = await lake.Db.ScalarAsync<long>($"select count(*) from dw.fact_page_view where ts >= '{hour:O}' and ts < '{hour.AddHours(1):O}'");
        // A late file of page views for that hour: the same events again, as a second lander file would bring.
        var path = await lake.Db.ScalarAsync<string>($"select path from lake.files where topic = 'page_view_events' and hour = '{hour:O}' limit 1");
        var rows = await lake.Db.ScalarAsync<long>($"select row_count from lake.files where path = '{path}'");
        var latePath = path.Replace(".parquet", "-late.parquet");
        File.Copy(Path.Combine(lake.Root, path), Path.Combine(lake.Root, latePath));
        await lake.Db.ExecAsync($"""
            insert into lake.files (topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source)
            select topic, kafka_partition, first_offset, last_offset, hour, '{latePath}', row_count, bytes, source from lake.files where path = '{path}'
            """);

        var reload = await lake.Loader().IncrementalLoadAsync(default);

        Assert.Equal([hour], reload.Hours);
        Assert.Equal(before + rows, await lake.Db.ScalarAsync<long>($"select count(*) from dw.fact_page_view where ts >= '{hour:O}' and ts < '{hour.AddHours(1):O}'"));
    }

    [Fact]
    public async Task A_load_cancelled_mid_hour_leaves_the_warehouse_as_it_was()
    {
        var lake = await SimulatedLake.CreateAsync(From, To, users: 3000, seed: 17);
        await lake.Db.ExecAsync("update lake.watermarks set watermark = watermark - interval '2 hours'");
        await lake.Loader().IncrementalLoadAsync(default);
        var before = await lake.Db.ChecksumsAsync();
        await lake.Db.ExecAsync("update lake.watermarks set watermark = watermark + interval '2 hours'");
        // The stager checks the token between row groups (5,000 rows): cancel as soon as the load, holding its lock, has begun its transaction.
        using var cts = new CancellationTokenSource();
        var load = lake.Loader().FullLoadAsync(cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!load.IsCompleted && DateTime.UtcNow < deadline
               && await lake.Db.ScalarAsync<long>("select count(*) from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and l.granted and a.state <> 'idle'") == 0)
            await Task.Yield();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        Assert.Equal(before, await lake.Db.ChecksumsAsync());
    }
}
