using Npgsql;
using Rhythmic.Core;

namespace Rhythmic.Warehouse;

/// <summary>The warehouse's SQL, kept in Sql/**/*.sql and embedded as "warehouse/&lt;dir&gt;/&lt;name&gt;.sql".</summary>
internal static class WarehouseSql
{
    public static string Read(string name) => SqlResources.Read(typeof(WarehouseSql).Assembly, "warehouse/" + name);

    /// <summary>Runs one SQL text (possibly several statements) in <paramref name="tx"/>.</summary>
    public static async Task<int> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The first column of every row of <paramref name="sql"/>, as text (no timeout, like <see cref="ExecAsync"/>).</summary>
    public static async Task<List<string>> ListAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        var values = new List<string>();
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) values.Add(r.GetString(0));
        return values;
    }
}
