using Rhythmic.Core.Events;
using Rhythmic.Lake.Landing;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

public sealed class LanderTests
{
    private sealed class Crash : Exception;

    private static async Task AssertExactlyOnceAsync(LakeTestKit kit, long count)
    {
        var rows = kit.ReadEveryFile();
        Assert.Equal(count, rows.Count);
        Assert.Equal(Enumerable.Range(0, (int)count).Select(i => (long)i), rows.Select(r => r.SessionId).Order());
        Assert.Equal(rows.Count, rows.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        Assert.DoesNotContain(kit.Storage.List("raw"), p => p.EndsWith(LakeLayout.TempSuffix, StringComparison.Ordinal));

        // A second, independent reader: Parquet.Net reads every landed file as ours does, holding the produced values.
        var independent = await kit.ReadEveryFileWithParquetNetAsync();
        Assert.Equal(count, independent.Count);
        Assert.All(independent, LakeTestKit.AssertIsTheProducedListen);
    }

    public static TheoryData<LanderCrashPoint, int> CrashCases()
    {
        var data = new TheoryData<LanderCrashPoint, int>();
        var random = new Random(5);
        foreach (var point in Enum.GetValues<LanderCrashPoint>()) data.Add(point, random.Next(1, 6));
        return data;
    }

    [Theory]
    [MemberData(nameof(CrashCases))]
    public async Task A_lander_stopped_at_a_crash_point_and_restarted_lands_every_event_exactly_once(LanderCrashPoint point, int atCheckpoint)
    {
        await using var kit = await LakeTestKit.StartAsync();
        const int events = 2_000;
        kit.ProduceListens(0, events);
        var checkpoints = 0;
        // Small rolls: a checkpoint every ~150 events, so the crash comes in the middle of the stream.
        var crashing = kit.NewLander(rollBytes: 50_000, hook: p =>
        {
            if (p == point && ++checkpoints == atCheckpoint) throw new Crash();
        });
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await Assert.ThrowsAsync<Crash>(() => crashing.RunAsync(deadline.Token));

        using var stop = new CancellationTokenSource();
        var survivor = kit.NewLander();
        var run = survivor.RunAsync(stop.Token);
        await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= events, "every event to be committed");
        stop.Cancel();
        await run;

        await AssertExactlyOnceAsync(kit, events);
        Assert.Equal(events, await TestPostgres.ScalarAsync<long>(kit.ConnectionString, "select sum(row_count)::bigint from lake.files"));
        var files = await TestPostgres.ScalarAsync<long>(kit.ConnectionString, "select count(*) from lake.files");
        Assert.Equal(files, kit.Storage.List("raw").Count());
    }

    [Fact]
    public async Task A_backlog_over_many_hours_and_partitions_lands_whole_in_far_fewer_manifest_transactions_than_files()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 4);
        const int events = 6_000;
        const int hours = 48;
        kit.ProduceListens(0, events, hours);   // two days of history wait in Kafka before the lander starts
        using var stop = new CancellationTokenSource();
        // A roll age of 1 ms would land a live stream almost event by event: a backlog must not be landed that way.
        var run = kit.NewLander(rollAge: TimeSpan.FromMilliseconds(1), backlogMessages: 1_000).RunAsync(stop.Token);
        await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= events, "the backlog to be committed");
        stop.Cancel();
        await run;

        await AssertExactlyOnceAsync(kit, events);
        var files = await TestPostgres.ScalarAsync<long>(kit.ConnectionString, "select count(*) from lake.files");
        // Rows committed by one transaction share its start time.
        var commits = await TestPostgres.ScalarAsync<long>(kit.ConnectionString, "select count(distinct committed_at) from lake.files");
        Assert.True(files >= hours * 4, $"{files} files for {hours} hours of 4 partitions");
        Assert.True(commits * 20 <= files, $"{files} files in {commits} manifest transactions");

        // DuckDB reads back what was produced, each event in the folder of its own hour.
        var glob = Path.Combine(kit.LakeDir, "raw", Topics.Listen, "**", "*.parquet");
        var (rows, _) = await DuckDb.QueryAsync(
            $"select sessionId, epoch_ms(ts) as ts, userId, artist, song, duration, level, firstName from read_parquet('{glob}') order by sessionId");
        Assert.Equal(events, rows.Count);
        var start = LakeTestKit.BaseHour.ToUnixTimeMilliseconds();
        for (var i = 0; i < events; i++)
        {
            var r = rows[i];
            Assert.Equal(i, Long(r.GetProperty("sessionId")));
            Assert.Equal(start + hours * 3_600_000L * i / events, Long(r.GetProperty("ts")));
            Assert.Equal(i % 2 == 0 ? i % 97 + 1 : (long?)null, r.GetProperty("userId").ValueKind == System.Text.Json.JsonValueKind.Null ? null : Long(r.GetProperty("userId")));
            Assert.Equal($"Artist {i % 13}", r.GetProperty("artist").GetString());
            Assert.Equal($"Song {i % 101}", r.GetProperty("song").GetString());
            Assert.Equal(200 + i % 60 + 0.5, r.GetProperty("duration").GetDouble());
            Assert.Equal("free", r.GetProperty("level").GetString());
            Assert.Equal(i % 2 == 0 ? "Zoë" : null, r.GetProperty("firstName").ValueKind == System.Text.Json.JsonValueKind.Null ? null : r.GetProperty("firstName").GetString());
        }
        var (misplaced, _) = await DuckDb.QueryAsync(
            $"select count(*)::int as n from read_parquet('{glob}', hive_partitioning = true) where hour::int <> extract(hour from ts) or day::int <> extract(day from ts)");
        Assert.Equal(0, misplaced[0].GetProperty("n").GetInt32());
    }

    private static long Long(System.Text.Json.JsonElement e)
        => e.ValueKind == System.Text.Json.JsonValueKind.String ? long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetInt64();

    [Fact]
    public async Task Late_events_land_in_their_old_hour_as_new_files_and_watermarks_follow_event_time()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1);
        using var stop = new CancellationTokenSource();
        var lander = kit.NewLander();
        var run = lander.RunAsync(stop.Token);
        kit.ProduceListens(0, 100, hours: 2);
        await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= 100, "the first events");
        var hour = LakeTestKit.BaseHour;
        var before = (await kit.Manifest.FilesAsync(Topics.Listen, hour)).Count;

        kit.ProduceListens(100, 10, hours: 0, at: hour.AddMinutes(30));   // late: 08:30, well behind the newest (09:59)
        await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= 110, "the late events");
        stop.Cancel();
        await run;

        var files = await kit.Manifest.FilesAsync(Topics.Listen, hour);
        Assert.Equal(before + 1, files.Count);
        Assert.Equal(10, files[^1].RowCount);
        Assert.StartsWith("raw/listen_events/year=2024/month=03/day=10/hour=08/part-0-", files[^1].Path);
        await AssertExactlyOnceAsync(kit, 110);
        // The newest event (id 99, at 08:00 + 99% of two hours) minus 5 minutes of lateness; late events never lower it.
        var watermark = await TestPostgres.ScalarAsync<long>(kit.ConnectionString,
            "select (extract(epoch from watermark) * 1000)::bigint from lake.watermarks where topic = 'listen_events' and kafka_partition = 0");
        Assert.Equal(hour.ToUnixTimeMilliseconds() + 2 * 3_600_000L * 99 / 100 - 300_000, watermark);
        Assert.Equal(hour.AddHours(1), await kit.Manifest.CompleteUntilAsync(Topics.Listen));
    }

    [Fact]
    public async Task Quiet_partitions_follow_the_landers_event_time_so_they_never_hold_hours_back()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 2);
        using var stop = new CancellationTokenSource();
        var run = kit.NewLander().RunAsync(stop.Token);
        kit.ProduceListens(0, 100, hours: 2);   // nothing at all on the auth, page view and status change topics
        var expected = LakeTestKit.BaseHour.ToUnixTimeMilliseconds() + 2 * 3_600_000L * 99 / 100 - 300_000;
        const string quiet = "select count(*) from lake.watermarks where topic = 'status_change_events' and (extract(epoch from watermark) * 1000)::bigint = ";
        await LakeTestKit.WaitForAsync(async () => await TestPostgres.ScalarAsync<long>(kit.ConnectionString, quiet + expected) == 2, "the quiet topic's watermarks");
        stop.Cancel();
        await run;

        // Every partition of every topic, quiet or not, stands at the newest event time less the lateness: not at the wall clock.
        Assert.Equal(8, await TestPostgres.ScalarAsync<long>(kit.ConnectionString, "select count(*) from lake.watermarks"));
        Assert.Equal(expected, await TestPostgres.ScalarAsync<long>(kit.ConnectionString, "select (extract(epoch from max(watermark)) * 1000)::bigint from lake.watermarks"));
        Assert.Equal(LakeTestKit.BaseHour.AddHours(1), await kit.Manifest.CompleteUntilAsync(Topics.StatusChange));
    }

    [Fact]
    public async Task Offsets_that_start_again_never_replace_a_landed_file()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1);
        kit.ProduceListens(0, 10, hours: 0);
        using (var stop = new CancellationTokenSource())
        {
            var run = kit.NewLander().RunAsync(stop.Token);
            await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= 10, "the first landing");
            stop.Cancel();
            await run;
        }
        // As after an embedded Kafka restart: the stored offsets are forgotten and offsets 0..9 arrive again.
        await TestPostgres.ExecAsync(kit.ConnectionString, "delete from lake.offsets");
        using (var stop = new CancellationTokenSource())
        {
            var run = kit.NewLander().RunAsync(stop.Token);
            await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= 20, "the second landing");
            stop.Cancel();
            await run;
        }

        var files = await kit.Manifest.FilesAsync(Topics.Listen, LakeTestKit.BaseHour);
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal(10, f.RowCount));
        Assert.All(files, f => Assert.True(kit.Storage.Exists(f.Path), f.Path));
        Assert.NotEqual(files[0].Path, files[1].Path);
    }

    [Fact]
    public async Task Bad_events_become_dead_letters_with_their_reason_and_do_not_stop_landing()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1);
        kit.ProduceListens(0, 5);
        kit.Produce(Topics.Listen, "x", "{\"ts\": \"yesterday\"}");
        kit.Produce(Topics.Listen, "y", "not json");
        kit.Flush();
        kit.ProduceListens(5, 5);
        using var stop = new CancellationTokenSource();
        var run = kit.NewLander().RunAsync(stop.Token);
        await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= 12, "events and dead letters");
        stop.Cancel();
        await run;
        await AssertExactlyOnceAsync(kit, 10);
        Assert.Equal(2, await TestPostgres.ScalarAsync<long>(kit.ConnectionString, "select count(*) from serving.dead_letters where reason like '%ts%' or reason like '%malformed%'"));
        Assert.Equal(12, await TestPostgres.ScalarAsync<long>(kit.ConnectionString, $"select next_offset from lake.offsets where consumer_group = '{kit.Group}'"));
    }

    [Fact]
    public async Task Two_landers_in_one_group_split_the_partitions_without_overlap()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 4);
        using var stop = new CancellationTokenSource();
        var (ownedByA, ownedByB) = (new OwnedPartitions(), new OwnedPartitions());
        var a = kit.NewLander(clientId: "lander-a", watcher: ownedByA);
        var b = kit.NewLander(clientId: "lander-b", codec: Rhythmic.Parquet.ParquetCodec.None, watcher: ownedByB);   // the lake then holds both codecs
        var runA = a.RunAsync(stop.Token);
        var runB = b.RunAsync(stop.Token);
        await LakeTestKit.WaitForAsync(async () =>
            {
                // A lander that failed (it once lost a race writing the lake's marker) says why at once, not after the wait.
                if (runA.IsFaulted) await runA;
                if (runB.IsFaulted) await runB;
                return ownedByA.Partitions.Count > 0 && ownedByB.Partitions.Count > 0 && ownedByA.Partitions.Count + ownedByB.Partitions.Count == 16;
            },
            "both landers to own partitions", seconds: 120,
            state: () => $"lander-a owns {ownedByA.Partitions.Count}, lander-b {ownedByB.Partitions.Count}; the landers' last lines:\n" +
                string.Join("\n", kit.Log.Entries.TakeLast(30).Select(e => $"{e.Level} {e.Message}")));
        Assert.Empty(ownedByA.Partitions.Intersect(ownedByB.Partitions));
        kit.ProduceListens(0, 1_500);
        await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= 1_500, "every event");
        stop.Cancel();
        await Task.WhenAll(runA, runB);
        await AssertExactlyOnceAsync(kit, 1_500);
        Assert.True(a.EventsCommitted > 0 && b.EventsCommitted > 0, $"a landed {a.EventsCommitted}, b {b.EventsCommitted}");
    }
}
