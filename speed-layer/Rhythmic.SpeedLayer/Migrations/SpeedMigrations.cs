using Rhythmic.Core;

namespace Rhythmic.SpeedLayer;

/// <summary>The speed layer's schema: the serving.* minute aggregates, offsets and dead letters it writes.</summary>
public static class SpeedMigrations
{
    /// <summary>The migrations this assembly embeds (Migrations/NNNN_name.sql, 0100-0199).</summary>
    public static MigrationSet Set { get; } = MigrationSet.Of(typeof(SpeedMigrations).Assembly, 100, 199);
}
