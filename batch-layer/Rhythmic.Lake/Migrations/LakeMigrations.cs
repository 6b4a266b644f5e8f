using Rhythmic.Core;

namespace Rhythmic.Lake;

/// <summary>The lake's schema (lake.*): the manifest of files, the landers' offsets and watermarks, the bound root.</summary>
public static class LakeMigrations
{
    /// <summary>The migrations this assembly embeds (Migrations/NNNN_name.sql, 0200-0299).</summary>
    public static MigrationSet Set { get; } = MigrationSet.Of(typeof(LakeMigrations).Assembly, 200, 299);
}
