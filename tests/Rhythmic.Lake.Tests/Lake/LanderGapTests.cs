using Microsoft.Extensions.Logging;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Core.Observability;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>
/// Messages the broker deleted before the lander read them (a mock cluster keeping 5 MB per partition, as retention
/// would) are recorded, logged and counted as a gap, and everything still in the log lands exactly once.
/// </summary>
public sealed class LanderGapTests
{
    // ~2.4 KB listens: 3,500 of them are ~8 MB, past the 5 MB retention these tests give the partition (upstream
    // librdkafka's mock default): they rely on the oldest messages being deleted.
    private const long GapRetention = 5L << 20;
    private const int Pad = 2000;

    [Fact]
    public async Task Messages_deleted_before_a_new_group_first_read_are_one_recorded_gap_and_the_rest_lands()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1, retentionBytes: GapRetention);
        const int events = 3500;
        kit.ProduceListens(0, events, padBytes: Pad);
        var (logStart, logEnd) = TestKafka.LogBounds(kit.Cluster, Topics.Listen, 0);
        Assert.True(logStart > 0, "the mock cluster deleted the oldest messages");
        Assert.Equal(events, logEnd);

        await LandUntilAsync(kit, events);

        AssertLandedOnce(kit, logStart, events);
        Assert.Equal([$"{Topics.Listen}|0|0|{logStart - 1}|{logStart}|{GapKind.BeforeFirstRead}"], await GapsAsync(kit));
        AssertLoggedAndCounted(kit, first: 0, last: logStart - 1);
    }

    [Fact]
    public async Task A_stored_offset_the_log_start_has_passed_gives_a_gap_from_the_stored_offset()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1, retentionBytes: GapRetention);
        kit.ProduceListens(0, 100, padBytes: Pad);
        await LandUntilAsync(kit, 100);

        const int events = 3600;
        kit.ProduceListens(100, events - 100, padBytes: Pad);   // nobody reads: the log start moves past offset 100
        var (logStart, _) = TestKafka.LogBounds(kit.Cluster, Topics.Listen, 0);
        Assert.True(logStart > 100, $"the log start {logStart} passed the stored offset 100");
        await LandUntilAsync(kit, events);

        var rows = kit.ReadEveryFile();
        Assert.Equal([.. Enumerable.Range(0, 100).Select(i => (long)i), .. Enumerable.Range((int)logStart, events - (int)logStart).Select(i => (long)i)],
            rows.Select(r => r.SessionId).Order());
        Assert.Equal([$"{Topics.Listen}|0|100|{logStart - 1}|{logStart - 100}|{GapKind.LogStartPassed}"], await GapsAsync(kit));
        AssertLoggedAndCounted(kit, first: 100, last: logStart - 1);
    }

    [Fact]
    public async Task An_out_of_range_fetch_is_a_recorded_gap_even_when_the_log_start_could_not_be_read_at_assignment()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1, retentionBytes: GapRetention);
        const int events = 3500;
        kit.ProduceListens(0, events, padBytes: Pad);
        var (logStart, _) = TestKafka.LogBounds(kit.Cluster, Topics.Listen, 0);
        // The assignment's look at the log start fails, so the lander fetches offset 0, which the log no longer has:
        // librdkafka (auto.offset.reset=error) stops the partition and reports it instead of jumping silently.
        kit.Cluster.InjectRequestErrors(KafkaApiKey.ListOffsets, Enumerable.Repeat(Confluent.Kafka.ErrorCode.Unknown, 8).ToArray());

        await LandUntilAsync(kit, events);

        AssertLandedOnce(kit, logStart, events);
        Assert.Equal([$"{Topics.Listen}|0|0|{logStart - 1}|{logStart}|{GapKind.OffsetReset}"], await GapsAsync(kit));
        AssertLoggedAndCounted(kit, first: 0, last: logStart - 1);
    }

    [Fact]
    public async Task A_stored_offset_beyond_the_log_end_is_an_error_and_the_log_lands_from_its_start_without_a_gap()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1, retentionBytes: GapRetention);
        // As after an embedded Kafka restart whose old offsets were not forgotten: the new log numbers from 0 again.
        await TestPostgres.ExecAsync(kit.ConnectionString,
            $"insert into lake.offsets (consumer_group, topic, kafka_partition, next_offset) values ('{kit.Group}', '{Topics.Listen}', 0, 5000)");
        kit.ProduceListens(0, 10);

        using (var stop = new CancellationTokenSource())
        {
            var run = kit.NewLander().RunAsync(stop.Token);
            await LakeTestKit.WaitForAsync(async () => run.IsCompleted || await kit.AccountedAsync() >= 10, "the log to land again");
            stop.Cancel();
            await run;
        }

        AssertLandedOnce(kit, 0, 10);
        Assert.Empty(await GapsAsync(kit));
        Assert.Contains(kit.Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("beyond its log's end", StringComparison.Ordinal));
    }

    /// <summary>Runs a lander until the listen partition's stored offset reaches <paramref name="next"/>, then stops it.</summary>
    private static async Task LandUntilAsync(LakeTestKit kit, long next)
    {
        using var stop = new CancellationTokenSource();
        var run = kit.NewLander().RunAsync(stop.Token);
        var sql = $"select coalesce(max(next_offset), 0) from lake.offsets where consumer_group = '{kit.Group}' and topic = '{Topics.Listen}'";
        await LakeTestKit.WaitForAsync(async () => run.IsCompleted || await TestPostgres.ScalarAsync<long>(kit.ConnectionString, sql) >= next, $"the lander to store offset {next}");
        stop.Cancel();
        await run;
        Assert.Equal(next, await TestPostgres.ScalarAsync<long>(kit.ConnectionString, sql));
    }

    private static void AssertLandedOnce(LakeTestKit kit, long from, int to)
    {
        var rows = kit.ReadEveryFile();
        Assert.Equal(Enumerable.Range((int)from, to - (int)from).Select(i => (long)i), rows.Select(r => r.SessionId).Order());
        Assert.All(rows, r => Assert.Equal(r.SessionId, r.Offset));   // one producer, one partition: offset = id
    }

    private static async Task<List<string>> GapsAsync(LakeTestKit kit)
    {
        var rows = new List<string>();
        await using var conn = new Npgsql.NpgsqlConnection(kit.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "select topic, partition, first_missing_offset, last_missing_offset, missing_count, how from ops.consumer_gaps where consumer_group = $1 order by gap_id", conn)
        {
            Parameters = { new() { Value = kit.Group } },
        };
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add($"{r.GetString(0)}|{r.GetInt32(1)}|{r.GetInt64(2)}|{r.GetInt64(3)}|{r.GetInt64(4)}|{r.GetString(5)}");
        return rows;
    }

    private static void AssertLoggedAndCounted(LakeTestKit kit, long first, long last)
    {
        var logged = Assert.Single(kit.Log.Entries, e => e.Level == LogLevel.Error && e.Values.ContainsKey("FirstMissing"));
        Assert.Equal(Topics.Listen, logged.Values["Topic"]);
        Assert.Equal(0, logged.Values["Partition"]);
        Assert.Equal(first, logged.Values["FirstMissing"]);
        Assert.Equal(last, logged.Values["LastMissing"]);
        var labels = new[] { ("group", kit.Group), ("topic", Topics.Listen) };
        Assert.Equal(1, MetricsRegistry.Default.Counter("rhythmic_consumer_gaps_total", "", labels).Value);
        Assert.Equal(last - first + 1, MetricsRegistry.Default.Counter("rhythmic_consumer_missing_messages_total", "", labels).Value);
    }
}
