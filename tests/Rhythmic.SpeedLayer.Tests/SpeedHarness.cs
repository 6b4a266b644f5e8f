using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
using Rhythmic.SpeedLayer.Consumer;
using Rhythmic.SpeedLayer.Store;
using Rhythmic.Testing;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>A test's world: a private database, an embedded Kafka with the four topics, a producer and speed consumers.</summary>
internal sealed class SpeedHarness : IAsyncDisposable
{
    private readonly List<RunningConsumer> _consumers = [];
    public required string ConnectionString { get; init; }
    public required MockCluster Cluster { get; init; }
    public required IProducer<byte[], byte[]> Producer { get; init; }
    public SpeedSettings Settings { get; } = new() { ConsumerGroup = TestKafka.NewGroup("speed"), FlushIntervalMs = 100 };
    /// <summary>The metrics of the harness's consumers.</summary>
    public Rhythmic.Core.Observability.MetricsRegistry Metrics { get; } = new();
    /// <summary>What the harness's consumers logged.</summary>
    public CapturingLogger Log { get; } = new();
    /// <summary>Messages handed to the producer so far (read it with Volatile.Read from other threads).</summary>
    public int ProducedCount;
    public int Produced => Volatile.Read(ref ProducedCount);

    public static async Task<SpeedHarness> StartAsync(int partitions = 2, int brokers = 1, long retentionBytes = MockCluster.DefaultRetentionBytes)
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var cluster = TestKafka.Start(partitions, Topics.All, brokers, retentionBytes);
        return new SpeedHarness { ConnectionString = cs, Cluster = cluster, Producer = TestKafka.Producer(cluster) };
    }

    /// <summary>Starts a speed consumer of the harness's group on a thread of its own.</summary>
    public RunningConsumer StartConsumer(ISpeedStore? store = null)
    {
        var clock = new CrashingClock();
        var consumer = new SpeedConsumer(Settings, Cluster.BootstrapServers, store ?? new PostgresSpeedStore(TestPostgres.DataSource(ConnectionString)),
            new TeeLogger(Log, FileLogger.For($"c{_consumers.Count}")), $"c{_consumers.Count}", Metrics, clock);
        var running = new RunningConsumer(consumer, clock);
        _consumers.Add(running);
        return running;
    }

    /// <summary>Produces events (keyed like eventsim: userId, or sessionId for guests) and waits for their acknowledgement.</summary>
    public void Produce(IEnumerable<TestEvent> events) => ProduceRaw(events.Select(e => (e.Topic, e.Key, (byte[]?)e.ToJson())));

    /// <summary>Produces raw messages and waits for their acknowledgement.</summary>
    public void ProduceRaw(IEnumerable<(string Topic, byte[] Key, byte[]? Value)> messages)
    {
        var failed = 0;
        foreach (var (topic, key, value) in messages)
        {
            Producer.Produce(topic, new Message<byte[], byte[]> { Key = key, Value = value! }, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
            Interlocked.Increment(ref ProducedCount);
        }
        Assert.Equal(0, Producer.Flush(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, failed);
    }

    /// <summary>Waits until the stored offsets cover every produced message.</summary>
    public Task WaitForAllAsync() => Wait.UntilAsync(async () => await StoredOffsetsAsync() == Produced, $"the speed layer to store offsets of all {Produced} messages",
        async () => $"stored offsets sum to {await StoredOffsetsAsync()}");

    /// <summary>Sum of the group's stored next offsets (= messages committed, since offsets start at 0).</summary>
    public Task<long> StoredOffsetsAsync()
        => TestPostgres.ScalarAsync<long>(ConnectionString, $"select coalesce(sum(next_offset), 0) from serving.speed_offsets where consumer_group = '{Settings.ConsumerGroup}'");

    /// <summary>Rows of a query as "a|b|c" strings, sorted.</summary>
    public async Task<List<string>> RowsAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _consumers) c.Stop();
        Producer.Dispose();
        Cluster.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>
/// The system clock until <see cref="Crash"/>; from then on every reading throws <see cref="ProcessCrashed"/>, so the
/// consumer reading it dies at its next tick (it reads the clock at least once per flush interval) as its process would.
/// </summary>
internal sealed class CrashingClock : TimeProvider
{
    private volatile bool _crashed;

    /// <summary>The process "dies": the consumer's next look at the clock throws.</summary>
    public void Crash() => _crashed = true;

    public override long GetTimestamp() => _crashed ? throw new ProcessCrashed() : base.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => _crashed ? throw new ProcessCrashed() : base.GetUtcNow();
}

/// <summary>What a <see cref="CrashingClock"/> throws once crashed.</summary>
internal sealed class ProcessCrashed : Exception;

/// <summary>A <see cref="SpeedConsumer"/> running on its own thread.</summary>
internal sealed class RunningConsumer
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CrashingClock _clock;
    private readonly Thread _thread;
    private bool _crashed;
    private Exception? _error;
    public SpeedConsumer Consumer { get; }

    public RunningConsumer(SpeedConsumer consumer, CrashingClock clock)
    {
        Consumer = consumer;
        _clock = clock;
        _thread = new Thread(() => { try { consumer.Run(_stop.Token); } catch (Exception e) { _error = e; } }) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops cleanly (final flush, leaves the group).</summary>
    public void Stop()
    {
        _stop.Cancel();
        Join();
    }

    /// <summary>Makes the consumer crash at its next tick, without waiting for it (see <see cref="Kill"/>).</summary>
    public void Crash()
    {
        _crashed = true;
        _clock.Crash();
    }

    /// <summary>Stops without committing what is pending, as a crash would: waits for the consumer's thread to die of it.</summary>
    public void Kill()
    {
        Crash();
        Join();
    }

    private void Join()
    {
        Assert.True(_thread.Join(TimeSpan.FromSeconds(60)), "the consumer did not stop");
        if (_crashed) Assert.IsType<ProcessCrashed>(_error); // the crash it was told to have, and no other failure
        else if (_error is not null) throw new InvalidOperationException("The consumer failed", _error);
    }
}

/// <summary>Polls a condition until a deadline (no sleeps as synchronisation).</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? state = null, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}" + (state is null ? "" : $" ({await state()})"));
            await Task.Delay(50);
        }
    }
}
