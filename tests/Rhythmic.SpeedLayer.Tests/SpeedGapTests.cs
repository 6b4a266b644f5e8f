using Microsoft.Extensions.Logging;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Testing;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>
/// Messages the broker deleted before the speed layer read them (the mock cluster keeps ~5 MB per partition, as
/// retention would) are recorded, logged and counted as a gap, and everything still in the log is counted.
/// </summary>
public sealed class SpeedGapTests
{
    // ~2 KB listens: 4,000 of them are ~8 MB, past the 5 MB retention these tests give the partition (upstream
    // librdkafka's mock default): they rely on the oldest messages being deleted.
    private const long GapRetention = 5L << 20;
    private static List<TestEvent> PaddedListens(int count, int seed)
        => TestEvents.Stream(count * 3, minutes: 10, seed: seed).Where(e => e.Topic == Topics.Listen).Take(count)
            .Select(e => e with { UserAgent = "Mozilla/5.0 " + new string('x', 2000) }).ToList();

    [Fact]
    public async Task Messages_deleted_before_a_new_group_first_read_are_one_recorded_gap_and_the_rest_is_counted()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 1, retentionBytes: GapRetention);
        var events = PaddedListens(4000, seed: 21);
        h.Produce(events);
        var (logStart, logEnd) = TestKafka.LogBounds(h.Cluster, Topics.Listen, 0);
        Assert.True(logStart > 0, "the mock cluster deleted the oldest messages");
        Assert.Equal(events.Count, logEnd);

        h.StartConsumer();
        await h.WaitForAllAsync();

        await Expected.AssertServingTablesAsync(h, events.Skip((int)logStart).ToList());
        Assert.Equal([$"{Topics.Listen}|0|0|{logStart - 1}|{logStart}|{GapKind.BeforeFirstRead}"], await GapsAsync(h));
        AssertLoggedAndCounted(h, first: 0, last: logStart - 1);
    }

    [Fact]
    public async Task A_stored_offset_the_log_start_has_passed_gives_a_gap_from_the_stored_offset()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 1, retentionBytes: GapRetention);
        var events = PaddedListens(4100, seed: 22);
        var first = h.StartConsumer();
        h.Produce(events.Take(100));
        await h.WaitForAllAsync();
        first.Stop();

        h.Produce(events.Skip(100));   // nobody reads: the log start moves past offset 100
        var (logStart, _) = TestKafka.LogBounds(h.Cluster, Topics.Listen, 0);
        Assert.True(logStart > 100, $"the log start {logStart} passed the stored offset 100");

        h.StartConsumer();
        await h.WaitForAllAsync();

        await Expected.AssertServingTablesAsync(h, [.. events.Take(100), .. events.Skip((int)logStart)]);
        Assert.Equal([$"{Topics.Listen}|0|100|{logStart - 1}|{logStart - 100}|{GapKind.LogStartPassed}"], await GapsAsync(h));
        AssertLoggedAndCounted(h, first: 100, last: logStart - 1);
    }

    [Fact]
    public async Task An_out_of_range_fetch_is_a_recorded_gap_even_when_the_log_start_could_not_be_read_at_assignment()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 1, retentionBytes: GapRetention);
        var events = PaddedListens(4000, seed: 23);
        h.Produce(events);
        var (logStart, _) = TestKafka.LogBounds(h.Cluster, Topics.Listen, 0);
        // The assignment's look at the log start fails, so the consumer fetches offset 0, which the log no longer has:
        // librdkafka (auto.offset.reset=error) stops the partition and reports it instead of jumping silently.
        h.Cluster.InjectRequestErrors(KafkaApiKey.ListOffsets, Enumerable.Repeat(Confluent.Kafka.ErrorCode.Unknown, 8).ToArray());

        h.StartConsumer();
        await h.WaitForAllAsync();

        await Expected.AssertServingTablesAsync(h, events.Skip((int)logStart).ToList());
        Assert.Equal([$"{Topics.Listen}|0|0|{logStart - 1}|{logStart}|{GapKind.OffsetReset}"], await GapsAsync(h));
        AssertLoggedAndCounted(h, first: 0, last: logStart - 1);
    }

    [Fact]
    public async Task A_stored_offset_beyond_the_log_end_is_an_error_and_the_log_is_read_from_its_start_without_a_gap()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 1, retentionBytes: GapRetention);
        // As after an embedded Kafka restart whose old offsets were not forgotten: the new log numbers from 0 again.
        await TestPostgres.ExecAsync(h.ConnectionString,
            $"insert into serving.speed_offsets (consumer_group, topic, partition, next_offset, max_event_ts) values ('{h.Settings.ConsumerGroup}', '{Topics.Listen}', 0, 5000, 0)");
        var events = PaddedListens(100, seed: 24);
        h.Produce(events);

        h.StartConsumer();
        await h.WaitForAllAsync();

        await Expected.AssertServingTablesAsync(h, events);
        Assert.Empty(await GapsAsync(h));
        Assert.Contains(h.Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("beyond its log's end", StringComparison.Ordinal));
    }

    private static Task<List<string>> GapsAsync(SpeedHarness h)
        => h.RowsAsync($"select topic, partition, first_missing_offset, last_missing_offset, missing_count, how from ops.consumer_gaps where consumer_group = '{h.Settings.ConsumerGroup}'");

    private static void AssertLoggedAndCounted(SpeedHarness h, long first, long last)
    {
        var logged = Assert.Single(h.Log.Entries, e => e.Level == LogLevel.Error && e.Values.ContainsKey("FirstMissing"));
        Assert.Equal(Topics.Listen, logged.Values["Topic"]);
        Assert.Equal(0, logged.Values["Partition"]);
        Assert.Equal(first, logged.Values["FirstMissing"]);
        Assert.Equal(last, logged.Values["LastMissing"]);
        var labels = new[] { ("group", h.Settings.ConsumerGroup), ("topic", Topics.Listen) };
        Assert.Equal(1, h.Metrics.Counter("rhythmic_consumer_gaps_total", "", labels).Value);
        Assert.Equal(last - first + 1, h.Metrics.Counter("rhythmic_consumer_missing_messages_total", "", labels).Value);
    }
}
