using Npgsql;
using Rhythmic.Core;

namespace Rhythmic.Warehouse;

/// <summary>The warehouse's SQL, kept in Sql/**/*.sql and embedded as "warehouse/&lt;dir&gt;/&lt;name&gt;.sql".</summary>
internal static class WarehouseSql
{
    /// <summary>Key of the advisory lock every load holds: one loader at a time owns the staging tables.</summary>
    public const long LoadLockKey = 0x5268_7974_6857_4C44; // "RhytWLD"

    /// <summary>
    /// The models that run before the facts are written (Sql/load/0[0-5]*.sql: dates and partitions, songs, places,
    /// level runs, deleting the replaced hours' facts, users), in the order they run. The later ones (sessions and
    /// aggregates) run between the COPYs that feed them.
    /// </summary>
    public static IReadOnlyList<(string Name, string Sql)> DimensionModels { get; } =
        SqlResources.List(typeof(WarehouseSql).Assembly, "warehouse/load/")
            .Where(n => string.CompareOrdinal(Path.GetFileName(n), "060") < 0)
            .Select(n => (n, SqlResources.Read(typeof(WarehouseSql).Assembly, n))).ToList();

    public static string Read(string name) => SqlResources.Read(typeof(WarehouseSql).Assembly, "warehouse/" + name);

    /// <summary>Runs one SQL text (possibly several statements) in <paramref name="tx"/>.</summary>
    public static async Task<int> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
