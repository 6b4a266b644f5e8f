using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Lake;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Serving;
using Rhythmic.Simulator;
using Rhythmic.SpeedLayer;
using Rhythmic.SpeedLayer.Store;
using Rhythmic.Testing;
using Rhythmic.Warehouse;

namespace Rhythmic.Browser.Tests;

/// <summary>
/// A serving host over one simulated world, both views filled by the real layers: the simulator's events up to now go
/// through the speed layer's processor and store into serving.*, and into a lake whose closed hours before the seam (an
/// hour before the current one) the warehouse's incremental load puts into dw.*. The dashboard thus shows days of batch
/// history and the last hours from the speed view.
/// </summary>
public sealed class DashboardWorld : IAsyncLifetime
{
    private const int Users = 1500;
    private const int HistoryHours = 7 * 24;
    private WebApplication? _app;

    /// <summary>The host's base address.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The end of the last hour the warehouse loaded.</summary>
    public DateTime Seam { get; private set; }

    /// <summary>Events the simulation produced.</summary>
    public long Events { get; private set; }

    /// <summary>Simulates, lands, loads and starts the host.</summary>
    public async Task InitializeAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var now = DateTime.UtcNow;
        Seam = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(-1);
        var home = Directory.CreateTempSubdirectory("rhythmic-browser-").FullName;
        var lakeRoot = Path.Combine(home, "lake");
        var settings = RhythmicConfiguration.Load(home, new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = cs, ["Postgres:ReaderConnectionString"] = await TestPostgres.ReaderConnectionStringAsync(cs),
            ["Lake:Root"] = lakeRoot, ["Serving:Urls"] = $"http://127.0.0.1:{EmbeddedPostgres.FreePort()}",
        });

        var lake = new LakeSink(new LocalLakeStorage(lakeRoot), new LakeManifest(cs), new LakeSinkOptions { WatermarkAt = Seam, RowGroupRows = 10_000 });
        var speed = new SpeedLayerSink(cs);
        await using (var both = new TeeSink(lake, speed))
        {
            var summary = await new Simulation(new SimulationOptions { From = Seam.AddHours(-HistoryHours), To = now, Users = Users, Seed = 16, Workers = 1 })
                .RunAsync(both, default);
            Events = summary.Events;
        }
        var loaded = await new WarehouseLoader(settings, NullLogger<WarehouseLoader>.Instance).IncrementalLoadAsync(default);
        Assert.Equal(Seam.AddHours(-1), loaded.Hours.Max()); // every closed hour before the seam is in the batch view

        _app = ServingHost.Build(settings);
        await _app.StartAsync();
        Url = settings.Serving.Urls;
    }

    /// <summary>Stops the host.</summary>
    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>Writes every event to two sinks.</summary>
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

        public async ValueTask DisposeAsync()
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    /// <summary>
    /// The speed layer without Kafka: each topic is one partition whose offsets count the events written, processed by
    /// the speed layer's own <see cref="SpeedProcessor"/> and committed by its PostgreSQL store, as its consumer does.
    /// </summary>
    private sealed class SpeedLayerSink : IEventSink
    {
        private readonly SpeedProcessor _processor = new(new SpeedSettings());
        private readonly PostgresSpeedStore _store;
        private readonly Dictionary<string, long> _offsets = [];

        public SpeedLayerSink(string cs)
        {
            _store = new PostgresSpeedStore(cs);
            foreach (var topic in Topics.All) _processor.Assign(topic, 0, null, start: 0);
        }

        public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
        {
            var offset = _offsets.GetValueOrDefault(topic);
            _processor.Process(topic, 0, offset, json);
            _offsets[topic] = offset + 1;
            if (_processor.PendingMessages >= 50_000) Commit();
        }

        public Task FlushAsync(CancellationToken ct)
        {
            Commit();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Commit();
            return ValueTask.CompletedTask;
        }

        private void Commit()
        {
            if (_processor.TakeBatch() is not { } batch) return;
            var outcome = _store.Commit(new SpeedSettings().ConsumerGroup, batch);
            if (outcome != CommitOutcome.Committed) throw new InvalidOperationException($"the speed store refused a batch: {outcome}");
            _processor.Committed();
        }
    }
}
