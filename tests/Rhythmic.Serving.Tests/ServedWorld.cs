using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.SpeedLayer;
using Rhythmic.SpeedLayer.Store;
using Rhythmic.Testing;
using Rhythmic.Warehouse;

namespace Rhythmic.Serving.Tests;

/// <summary>
/// A small world served by the API, built by the real layers: 30 hours of simulated events written into a lake whose
/// hours before <see cref="Seam"/> are complete and loaded into the warehouse by the real incremental load, and every
/// event counted by the real speed layer (its processor and PostgreSQL store, without Kafka). The events are kept, so
/// tests compute every expected figure independently from them.
/// </summary>
public sealed class ServedWorld : IAsyncLifetime
{
    /// <summary>The first simulated instant.</summary>
    public static readonly DateTime From = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    /// <summary>The hours before it are loaded into the warehouse; it and later hours only the speed layer has.</summary>
    public static readonly DateTime Seam = new(2026, 3, 3, 3, 0, 0, DateTimeKind.Utc);
    /// <summary>The end of the simulation.</summary>
    public static readonly DateTime To = new(2026, 3, 3, 6, 0, 0, DateTimeKind.Utc);

    private WebApplication? _app;

    /// <summary>Every event the simulator produced.</summary>
    public List<Event> Events { get; } = [];
    /// <summary>The owner's connection string of the world's database.</summary>
    public string ConnectionString { get; private set; } = "";
    /// <summary>A client of the running serving host.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>One event's fields the expectations need.</summary>
    public sealed record Event(string Topic, DateTime Ts, long? UserId, long SessionId, int ItemInSession, string Level, string? Gender,
        string State, string? Artist, string? Song, bool? Success);

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        var root = Directory.CreateTempSubdirectory("rhythmic-served-lake-").FullName;
        var lake = new LakeSink(new LocalLakeStorage(root), new Rhythmic.Lake.LakeManifest(ConnectionString),
            new LakeSinkOptions { WatermarkAt = new DateTimeOffset(Seam), RowGroupRows = 5_000 });
        var speed = new SpeedSink(ConnectionString, this);
        await using (lake)
            await new Simulation(new SimulationOptions { From = From, To = To, Users = 150, Seed = 11, Workers = 1 })
                .RunAsync(new TeeSink(lake, speed), default);
        speed.Flush();

        var settings = new RhythmicSettings { Home = root, Postgres = { ConnectionString = ConnectionString }, Lake = { Root = root } };
        var loaded = await new WarehouseLoader(settings, NullLogger<WarehouseLoader>.Instance).IncrementalLoadAsync(default);
        Assert.Equal(Seam, loaded.Hours.Max().AddHours(1));

        var port = EmbeddedPostgres.FreePort();
        var served = RhythmicConfiguration.Load(Directory.CreateTempSubdirectory("rhythmic-serving-").FullName, new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = ConnectionString,
            ["Postgres:ReaderConnectionString"] = await TestPostgres.ReaderConnectionStringAsync(ConnectionString),
            ["Serving:Urls"] = $"http://127.0.0.1:{port}",
        });
        _app = ServingHost.Build(served);
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri(served.Serving.Urls) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>Sends every event to two sinks.</summary>
    private sealed class TeeSink(IEventSink a, IEventSink b) : IEventSink
    {
        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            a.Write(topic, key, json, timestampMs);
            b.Write(topic, key, json, timestampMs);
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            await a.FlushAsync(ct);
            await b.FlushAsync(ct);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The speed layer's processor and store fed directly (one partition per topic), and the world's event list.</summary>
    private sealed class SpeedSink : IEventSink
    {
        private readonly SpeedProcessor _processor = new(new SpeedSettings { AllowedLatenessSeconds = 3600 });
        private readonly PostgresSpeedStore _store;
        private readonly ServedWorld _world;
        private readonly Dictionary<string, long> _offsets = [];

        public SpeedSink(string cs, ServedWorld world)
        {
            _store = new PostgresSpeedStore(cs);
            _world = world;
            foreach (var topic in Topics.All) _processor.Assign(topic, 0, null, start: 0);
        }

        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            var offset = _offsets.GetValueOrDefault(topic);
            _offsets[topic] = offset + 1;
            Assert.True(_processor.Process(topic, 0, offset, json));
            _world.Events.Add(Parse(topic, json));
            if (_processor.PendingMessages >= 5_000) Flush();
        }

        public void Flush()
        {
            if (_processor.TakeBatch() is not { } batch) return;
            Assert.Equal(CommitOutcome.Committed, _store.Commit("rhythmic-speed", batch));
            _processor.Committed();
        }

        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static Event Parse(string topic, ReadOnlySpan<byte> json)
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var e = doc.RootElement;
            string? Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new Event(topic, DateTime.UnixEpoch.AddMilliseconds(e.GetProperty("ts").GetInt64()),
                e.TryGetProperty("userId", out var u) ? u.GetInt64() : null, e.GetProperty("sessionId").GetInt64(),
                e.TryGetProperty("itemInSession", out var i) ? i.GetInt32() : -1, Text("level")!, Text("gender"), Text("state")!,
                Text("artist"), Text("song"), e.TryGetProperty("success", out var s) ? s.GetBoolean() : null);
        }
    }
}
