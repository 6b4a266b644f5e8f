using System.Text;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.Simulator.Sinks;
using Rhythmic.Testing;

namespace Rhythmic.Simulator.Tests;

public sealed class ProducerHoldBackTests
{
    private static readonly byte[] Value = Encoding.UTF8.GetBytes(new string('x', 1000));

    [Fact]
    public async Task A_sink_is_held_back_while_consumers_lag_too_far_and_resumes_as_they_catch_up()
    {
        using var cluster = TestKafka.Start(partitions: 1, Topics.All);
        var probe = new FakeProbe { LagMessages = 10_000 };   // 10,000 x 1,017 B = 9.7 MB behind, retention 1 MB
        var log = new CapturingLogger();
        var holdBack = new ProducerHoldBack(1L << 20, probe, log) { Interval = TimeSpan.FromMilliseconds(20) };
        await using var sink = new KafkaSink(cluster.BootstrapServers, log, holdBack: holdBack);
        long written = 0;
        var stop = false;
        var writer = Task.Run(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                sink.Write(Topics.Listen, [1], Value, 0);
                Interlocked.Increment(ref written);
            }
        });

        try
        {
            Assert.True(await Until(() => sink.IsHeldBack), "the sink is held back");
            var atHold = Interlocked.Read(ref written);
            var reads = probe.Reads;
            Assert.True(await Until(() => probe.Reads >= reads + 5), "the probe is read while held");
            Assert.InRange(Interlocked.Read(ref written), atHold, atHold + 1);   // at most the write that passed the check as the hold began
            // About 9.7 MB: the mean record size comes from delivery reports, which batching under load shifts a little.
            Assert.True(log.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Holding the producer back: consumers are ", StringComparison.Ordinal)
                && e.Message.Contains(" MB behind on listen_events[0]", StringComparison.Ordinal)), string.Join("\n", log.Entries));
            Assert.True(log.Has(LogLevel.Warning, "retention is 1 MB"));

            probe.LagMessages = 100;   // the consumers caught up
            Assert.True(await Until(() => !sink.IsHeldBack && Interlocked.Read(ref written) > atHold + 100), "the sink resumes");
        }
        finally
        {
            // A failed assertion must not leave the writer producing into a sink being disposed (it crashed the test host):
            // release the hold, then stop it.
            probe.LagMessages = 100;
            Volatile.Write(ref stop, true);
            await writer;
        }
        await sink.FlushAsync(CancellationToken.None);
        Assert.Equal(Interlocked.Read(ref written), sink.Acknowledged);
        Assert.True(log.Has(LogLevel.Information, "Resuming the producer"));
        Assert.Single(log.Entries, e => e.Message.StartsWith("Holding the producer back", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_offsets_the_lander_stored_in_PostgreSQL_hold_the_simulator_back_until_it_catches_up()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        using var cluster = TestKafka.Start(partitions: 1, Topics.All);
        await TestPostgres.ExecAsync(cs, "insert into lake.offsets(consumer_group, topic, kafka_partition, next_offset) values ('rhythmic-lander', 'listen_events', 0, 0)");
        var settings = Core.Configuration.RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-hold-").FullName,
            new Dictionary<string, string?> { ["Postgres:ConnectionString"] = cs });
        var log = new CapturingLogger();
        var holdBack = new ProducerHoldBack(1L << 20, new PostgresConsumerLagProbe(settings, TestPostgres.DataSource(cs), cluster.BootstrapServers), log) { Interval = TimeSpan.FromMilliseconds(20) };
        await using var sink = new KafkaSink(cluster.BootstrapServers, log, holdBack: holdBack);
        long written = 0;
        var stop = false;
        var writer = Task.Run(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                sink.Write(Topics.Listen, [1], Value, 0);
                Interlocked.Increment(ref written);
            }
        });

        Assert.True(await Until(() => sink.IsHeldBack), "the sink is held back by the lander's stored offset");
        Assert.True(log.Has(LogLevel.Warning, "behind on listen_events[0] (group rhythmic-lander), retention is 1 MB"), string.Join("\n", log.Entries));
        var atHold = Interlocked.Read(ref written);

        await TestPostgres.ExecAsync(cs, $"update lake.offsets set next_offset = {atHold + 1_000_000}");   // the lander caught up
        Assert.True(await Until(() => !sink.IsHeldBack && Interlocked.Read(ref written) > atHold + 100), "the sink resumes");
        Volatile.Write(ref stop, true);
        await writer;
        await sink.FlushAsync(CancellationToken.None);
        Assert.Equal(Interlocked.Read(ref written), sink.Acknowledged);
    }

    [Fact]
    public async Task Without_stored_offsets_a_partition_receiving_more_than_the_retention_is_warned_about()
    {
        using var cluster = TestKafka.Start(partitions: 1, Topics.All);
        var log = new CapturingLogger();
        var holdBack = new ProducerHoldBack(64 << 10, new FakeProbe { NoGroups = true }, log) { Interval = TimeSpan.FromMilliseconds(20) };
        await using var sink = new KafkaSink(cluster.BootstrapServers, log, holdBack: holdBack);
        for (var i = 0; i < 200; i++) sink.Write(Topics.PageView, [1], Value, 0);   // ~200 KB into one partition of a 64 KB retention
        await sink.FlushAsync(CancellationToken.None);

        Assert.True(await Until(() => log.Has(LogLevel.Warning, "page_view_events[0] has received")), string.Join("\n", log.Entries));
        Assert.Single(log.Entries, e => e.Message.Contains("has received", StringComparison.Ordinal) && e.Message.Contains("more than the 0.1 MB a partition keeps", StringComparison.Ordinal));
        Assert.False(sink.IsHeldBack);
        Assert.Equal(200, sink.Acknowledged);
    }

    [Fact]
    public async Task A_probe_that_fails_does_not_hold_the_producer_and_says_so()
    {
        using var cluster = TestKafka.Start(partitions: 1, Topics.All);
        var log = new CapturingLogger();
        var holdBack = new ProducerHoldBack(1L << 20, new FakeProbe { Fails = true }, log) { Interval = TimeSpan.FromMilliseconds(20) };
        await using var sink = new KafkaSink(cluster.BootstrapServers, log, holdBack: holdBack);
        sink.Write(Topics.Listen, [1], Value, 0);
        Assert.True(await Until(() => log.Has(LogLevel.Warning, "Cannot read the consumers' lag (no database)")), string.Join("\n", log.Entries));
        for (var i = 0; i < 100; i++) sink.Write(Topics.Listen, [1], Value, 0);
        await sink.FlushAsync(CancellationToken.None);
        Assert.Equal(101, sink.Acknowledged);
    }

    private static async Task<bool> Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(10);
        }
        return true;
    }

    /// <summary>Reports listen_events[0] (and page_view_events[0]) as <see cref="LagMessages"/> behind.</summary>
    private sealed class FakeProbe : IConsumerLagProbe
    {
        private int _reads;
        public volatile int LagMessages;
        public bool NoGroups { get; init; }
        public bool Fails { get; init; }
        public int Reads => Volatile.Read(ref _reads);

        public Task<IReadOnlyList<PartitionLag>> ReadAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _reads);
            if (Fails) throw new InvalidOperationException("no database");
            IReadOnlyList<PartitionLag> lags = NoGroups ? [] :
            [
                new PartitionLag(Topics.Listen, 0, 0, 1_000_000, "rhythmic-lander", 1_000_000 - LagMessages),
                new PartitionLag(Topics.PageView, 0, 0, 0, "rhythmic-lander", 0),
            ];
            return Task.FromResult(lags);
        }
    }
}
