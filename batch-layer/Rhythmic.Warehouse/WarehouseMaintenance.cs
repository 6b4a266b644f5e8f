using Npgsql;
using Rhythmic.Core;

namespace Rhythmic.Warehouse;

/// <summary>
/// Vacuums the warehouse between loads. A load locks the facts it summarizes (060) and the tables it rebuilds, and a
/// lock that collides with autovacuum cancels it after deadlock_timeout: with frequent loads, autovacuum of a month's
/// partitions can be cancelled again and again (the benchmark's server log shows it) and never finish. This vacuum
/// holds the loads' lock instead, so loads wait for it and it finishes.
/// </summary>
public static class WarehouseMaintenance
{
    /// <summary>VACUUM (ANALYZE) of every warehouse table written since its last vacuum or analyze, holding the loads' lock; returns them.</summary>
    public static async Task<IReadOnlyList<string>> VacuumChangedAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await WarehouseSql.ExecAsync(conn, null, WarehouseSql.Read("maintenance/lock.sql"), ct, AdvisoryLocks.WarehouseLoad);
        try
        {
            var tables = await WarehouseSql.ListAsync(conn, null, WarehouseSql.Read("maintenance/vacuum_targets.sql"), ct);
            foreach (var table in tables)
                await WarehouseSql.ExecAsync(conn, null, $"vacuum (analyze) {table}", ct);
            return tables;
        }
        finally
        {
            // A broken connection has released the lock already; an open one is unlocked even when cancelled.
            if (conn.State == System.Data.ConnectionState.Open)
                await WarehouseSql.ExecAsync(conn, null, WarehouseSql.Read("maintenance/unlock.sql"), CancellationToken.None, AdvisoryLocks.WarehouseLoad);
        }
    }
}
