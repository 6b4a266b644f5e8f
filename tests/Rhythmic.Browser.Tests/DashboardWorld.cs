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

        var lake = new LakeSink(new LocalLakeStorage(lakeRoot), new LakeManifest(TestPostgres.DataSource(cs)), new LakeSinkOptions { WatermarkAt = Seam, RowGroupRows = 10_000 });
        var speed = new SpeedLayerSink(cs);
        await using (var both = new TeeSink(lake, speed))
        {
            var summary = await new Simulation(new SimulationOptions { From = Seam.AddHours(-HistoryHours), To = now, Users = Users, Seed = 16, Workers = 1 })
                .RunAsync(both, default);
            Events = summary.Events;
        }
        var loaded = await new WarehouseLoader(settings, TestPostgres.DataSource(settings.Postgres.EffectiveConnectionString), NullLogger<WarehouseLoader>.Instance).IncrementalLoadAsync(default);
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
}
