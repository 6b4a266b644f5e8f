using Rhythmic.Core;

namespace Rhythmic.Orchestration;

/// <summary>Orchestration's schema (ops.*): the job runs, and Hangfire's schema, which Hangfire.PostgreSql fills.</summary>
public static class OrchestrationMigrations
{
    /// <summary>The migrations this assembly embeds (Migrations/NNNN_name.sql, 0400-0499).</summary>
    public static MigrationSet Set { get; } = MigrationSet.Of(typeof(OrchestrationMigrations).Assembly, 400, 499);
}
