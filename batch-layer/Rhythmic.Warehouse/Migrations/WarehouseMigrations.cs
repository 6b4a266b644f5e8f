using Rhythmic.Core;

namespace Rhythmic.Warehouse;

/// <summary>The warehouse's schema (dw.*): dimensions, facts, aggregates, staging and the analysts' functions.</summary>
public static class WarehouseMigrations
{
    /// <summary>The migrations this assembly embeds (Migrations/NNNN_name.sql, 0300-0399).</summary>
    public static MigrationSet Set { get; } = MigrationSet.Of(typeof(WarehouseMigrations).Assembly, 300, 399);
}
