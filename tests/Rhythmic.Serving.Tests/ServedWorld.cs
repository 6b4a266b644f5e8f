using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
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
    public List<RecordedEvent> Events { get; } = [];
    /// <summary>The owner's connection string of the world's database.</summary>
    public string ConnectionString { get; private set; } = "";
    /// <summary>A client of the running serving host.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        var root = Directory.CreateTempSubdirectory("rhythmic-served-lake-").FullName;
        var lake = new LakeSink(new LocalLakeStorage(root), new Rhythmic.Lake.LakeManifest(TestPostgres.DataSource(ConnectionString)),
            new LakeSinkOptions { WatermarkAt = new DateTimeOffset(Seam), RowGroupRows = 5_000 });
        var speed = new SpeedLayerSink(ConnectionString, new SpeedSettings { AllowedLatenessSeconds = 3600 });
        await using (var all = new TeeSink(lake, new TeeSink(speed, new EventRecorder(Events))))
            await new Simulation(new SimulationOptions { From = From, To = To, Users = 150, Seed = 11, Workers = 1 }).RunAsync(all, default);

        var settings = new RhythmicSettings { Home = root, Postgres = { ConnectionString = ConnectionString }, Lake = { Root = root } };
        var loaded = await new WarehouseLoader(settings, TestPostgres.DataSource(settings.Postgres.EffectiveConnectionString), NullLogger<WarehouseLoader>.Instance).IncrementalLoadAsync(default);
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
}
