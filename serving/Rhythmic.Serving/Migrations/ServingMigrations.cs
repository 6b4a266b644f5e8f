using Rhythmic.Core;

namespace Rhythmic.Serving;

/// <summary>The serving API's part of the database: the read-only role it reads as, and what that role may read.</summary>
public static class ServingMigrations
{
    /// <summary>The migrations this assembly embeds (Migrations/NNNN_name.sql, 0500-0599).</summary>
    public static MigrationSet Set { get; } = MigrationSet.Of(typeof(ServingMigrations).Assembly, 500, 599);
}
