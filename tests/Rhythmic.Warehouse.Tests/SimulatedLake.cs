using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Core.Configuration;
using Rhythmic.Lake.Backfill;
using Rhythmic.Lake.Storage;
using Rhythmic.Simulator;
using Rhythmic.Testing;

namespace Rhythmic.Warehouse.Tests;

/// <summary>A lake written by the simulator through the lake's backfill sink, with its manifest in a private database.</summary>
internal sealed class SimulatedLake
{
    public required string Root { get; init; }
    public required StagedWarehouse Db { get; init; }
    public required RhythmicSettings Settings { get; init; }

    public static async Task<SimulatedLake> CreateAsync(DateTimeOffset from, DateTimeOffset to, int users, long seed = 7)
    {
        var db = await StagedWarehouse.CreateAsync();
        var root = Directory.CreateTempSubdirectory("rhythmic-wh-lake-").FullName;
        var sink = new LakeSink(new LocalLakeStorage(root), new Rhythmic.Lake.LakeManifest(TestPostgres.DataSource(db.ConnectionString)),
            new LakeSinkOptions { WatermarkAt = to, RowGroupRows = 5_000 });
        await using (sink)
            await new Simulation(new SimulationOptions { From = from, To = to, Users = users, Seed = seed, Workers = 1 }).RunAsync(sink, default);
        var settings = new RhythmicSettings { Home = root, Postgres = { ConnectionString = db.ConnectionString }, Lake = { Root = root } };
        return new SimulatedLake { Root = root, Db = db, Settings = settings };
    }

    public WarehouseLoader Loader() => new(Settings, TestPostgres.DataSource(Db.ConnectionString), NullLogger<WarehouseLoader>.Instance);
}
