using System.Text;
using Rhythmic.SpeedLayer.Store;
using Rhythmic.Testing;
using Rhythmic.Core.Events;

namespace Rhythmic.SpeedLayer.Tests;

public sealed class SpeedConsumerTests
{
    [Fact]
    public async Task Aggregates_equal_exact_counts_of_the_produced_events()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 2);
        var events = TestEvents.Stream(3000, minutes: 4);
        h.StartConsumer();
        h.Produce(events);
        await h.WaitForAllAsync();

        await Expected.AssertServingTablesAsync(h, events);
        Assert.Empty(await h.RowsAsync("select * from serving.late_events"));
        Assert.Empty(await h.RowsAsync("select * from serving.dead_letters"));
    }

    [Fact]
    public async Task A_consumer_stopped_without_committing_and_restarted_gives_the_same_totals()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 2);
        var events = TestEvents.Stream(4000, minutes: 4, seed: 2);
        var first = h.StartConsumer();
        h.Produce(events.Take(2000));
        await Wait.UntilAsync(async () => await h.StoredOffsetsAsync() > 0, "a first flush");
        first.Kill();

        h.StartConsumer();
        h.Produce(events.Skip(2000));
        await h.WaitForAllAsync();
        await Expected.AssertServingTablesAsync(h, events);
    }

    [Fact]
    public async Task Two_consumers_in_one_group_give_the_same_totals_as_one()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 4);
        var events = TestEvents.Stream(4000, minutes: 4, seed: 3);
        var first = h.StartConsumer();
        h.Produce(events.Take(1500));
        var second = h.StartConsumer(); // joins mid-stream: partitions move between the two
        h.Produce(events.Skip(1500).Take(1500));
        await Wait.UntilAsync(async () => await h.StoredOffsetsAsync() >= 1500, "both consumers to make progress");
        first.Stop(); // leaves: its partitions move to the second
        h.Produce(events.Skip(3000));
        await h.WaitForAllAsync();

        await Expected.AssertServingTablesAsync(h, events);
        Assert.True(second.Consumer.FlushCount > 0);
    }

    [Fact]
    public async Task A_broker_down_and_up_mid_stream_loses_nothing()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 2, brokers: 3);
        var events = TestEvents.Stream(3000, minutes: 4, seed: 4);
        h.StartConsumer();
        h.Produce(events.Take(1000));
        await Wait.UntilAsync(async () => await h.StoredOffsetsAsync() >= 1000, "the events before the outage");
        h.Cluster.BrokerDown(1);
        // Mid-stream: the next events are sent while broker 1 is down (the idempotent producer retries them until it is
        // back); waiting for the consumer to progress here would race with which partitions broker 1 leads.
        var during = Task.Run(() => h.Produce(events.Skip(1000).Take(1000)));
        await Wait.UntilAsync(() => Task.FromResult(Volatile.Read(ref h.ProducedCount) >= 2000 || during.IsCompleted), "the producer to send while broker 1 is down");
        h.Cluster.BrokerUp(1);
        await during;
        h.Produce(events.Skip(2000));
        await h.WaitForAllAsync();
        await Expected.AssertServingTablesAsync(h, events);
    }

    [Fact]
    public async Task Late_events_inside_the_lateness_update_their_minute_and_later_ones_are_counted_as_late()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 1);
        const long t = TestEvents.BaseTs;
        TestEvent Listen(long ts) => new() { Topic = Topics.Listen, Ts = ts, UserId = 9, Gender = "M", State = "NY" };
        var onTime = new[] { Listen(t), Listen(t + 300_000), Listen(t + 240_000) }; // the last is 60 s behind: inside 120 s
        var late = new[] { Listen(t + 60_000), Listen(t + 61_000) };                  // 240 s behind: beyond
        h.StartConsumer();
        h.Produce([.. onTime, .. late]);
        await h.WaitForAllAsync();

        Assert.Equal(Expected.Listens(onTime), await h.RowsAsync("select minute, level, gender, state, listens from serving.listens_minute"));
        var minute = DateTimeOffset.FromUnixTimeMilliseconds(t + 60_000).UtcDateTime.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"{Topics.Listen}|{minute}|2"], await h.RowsAsync("select topic, minute, events from serving.late_events"));
    }

    [Fact]
    public async Task Bad_messages_land_in_dead_letters_while_good_ones_around_them_are_counted()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 1);
        h.Settings.MaxMessageBytes = 2048;
        var good = TestEvents.Stream(200, minutes: 2, seed: 5);
        var valid = new TestEvent { Topic = Topics.Listen, UserId = 1 };
        var validJson = Encoding.UTF8.GetString(valid.ToJson());
        var bad = new (string Reason, byte[]? Payload)[]
        {
            ("malformed JSON", Encoding.UTF8.GetBytes("{\"ts\": 17")),
            ("missing required field 'ts'", Encoding.UTF8.GetBytes(validJson.Replace($"\"ts\":{valid.Ts},", ""))),
            ("field 'zip' must be a string", Encoding.UTF8.GetBytes(validJson.Replace("\"zip\":\"02134\"", "\"zip\":2134"))),
            ("in the future", (valid with { Ts = DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeMilliseconds() }).ToJson()),
            ("exceeds the limit of 2048 bytes", Encoding.UTF8.GetBytes(validJson.Replace("\"city\":\"Boston\"", $"\"city\":\"{new string('x', 3000)}\""))),
            ("not valid UTF-8", [.. Encoding.UTF8.GetBytes(validJson)[..^1], .. ",\"city\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]),
            ("empty message", null),
        };
        var messages = new List<(string, byte[], byte[]?)>();
        for (var i = 0; i < good.Count; i++)
        {
            messages.Add((good[i].Topic, good[i].Key, good[i].ToJson()));
            if (i % 25 == 0 && i / 25 < bad.Length) messages.Add((Topics.Listen, [1], bad[i / 25].Payload));
        }
        h.StartConsumer();
        h.ProduceRaw(messages);
        await h.WaitForAllAsync();

        await Expected.AssertServingTablesAsync(h, good);
        var dead = await h.RowsAsync("select reason, payload_bytes, length(payload), topic from serving.dead_letters order by \"offset\"");
        Assert.Equal(bad.Length, dead.Count);
        foreach (var (reason, payload) in bad)
            Assert.Single(dead, d => d.Contains(reason) && d.Contains($"|{payload?.Length ?? 0}|{Math.Min(payload?.Length ?? 0, DeadLetter.MaxPayloadBytes)}|"));
    }
}

/// <summary>A crash in the middle of a flush: the transaction never commits, and the next owner counts those events once.</summary>
public sealed class SpeedCrashTests
{
    /// <summary>Passes commits through until armed; then the next commit fails as a crash mid-transaction would, after the consumer is killed.</summary>
    private sealed class CrashingStore(ISpeedStore inner) : ISpeedStore
    {
        public volatile bool Armed;
        public readonly ManualResetEventSlim Reached = new();
        public readonly ManualResetEventSlim Release = new();

        public IReadOnlyDictionary<(string Topic, int Partition), Checkpoint> LoadCheckpoints(string group, IReadOnlyCollection<(string Topic, int Partition)> partitions)
            => inner.LoadCheckpoints(group, partitions);

        public CommitOutcome Commit(string group, SpeedBatch batch)
        {
            if (!Armed) return inner.Commit(group, batch);
            Reached.Set();
            Release.Wait();
            throw new TimeoutException("the process died mid-flush");
        }
    }

    [Fact]
    public async Task A_consumer_that_dies_in_the_middle_of_a_flush_loses_and_double_counts_nothing()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 2);
        var events = TestEvents.Stream(3000, minutes: 4, seed: 6);
        var store = new CrashingStore(new Rhythmic.SpeedLayer.Store.PostgresSpeedStore(TestPostgres.DataSource(h.ConnectionString)));
        var first = h.StartConsumer(store);
        h.Produce(events.Take(1000));
        await Wait.UntilAsync(async () => await h.StoredOffsetsAsync() == 1000, "the first 1000 events");
        store.Armed = true;
        h.Produce(events.Skip(1000).Take(1000));
        Assert.True(store.Reached.Wait(TimeSpan.FromSeconds(60)), "a flush of the next events");
        first.Crash();
        store.Release.Set();
        first.Kill();
        Assert.Equal(1000, await h.StoredOffsetsAsync());

        h.StartConsumer();
        h.Produce(events.Skip(2000));
        await h.WaitForAllAsync();
        await Expected.AssertServingTablesAsync(h, events);
    }
}
