using Rhythmic.Core;
using Rhythmic.Lake;
using Rhythmic.Orchestration;
using Rhythmic.Serving;
using Rhythmic.SpeedLayer;
using Rhythmic.Warehouse;

namespace Rhythmic.Platform;

/// <summary>
/// The one list of the layers' migration sets, in the order of their ranges. Each layer owns the migrations of its own
/// schema (its Migrations/NNNN_name.sql); the <see cref="Migrator"/> applies all of them by version. A test checks that
/// every assembly embedding migrations is listed here.
/// </summary>
public static class PlatformMigrations
{
    /// <summary>Every layer's migrations: core 0001-0099, speed 0100-0199, lake 0200-0299, warehouse 0300-0399, orchestration 0400-0499, serving 0500-0599.</summary>
    public static IReadOnlyList<MigrationSet> All { get; } =
    [
        CoreMigrations.Set,
        SpeedMigrations.Set,
        LakeMigrations.Set,
        WarehouseMigrations.Set,
        OrchestrationMigrations.Set,
        ServingMigrations.Set,
    ];

    /// <summary>A migrator of every layer's migrations on <paramref name="dataSource"/>.</summary>
    public static Migrator Migrator(Npgsql.NpgsqlDataSource dataSource, Microsoft.Extensions.Logging.ILogger? logger = null) => new(dataSource, All, logger);
}
