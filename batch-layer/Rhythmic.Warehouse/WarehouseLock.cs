using Npgsql;
using Rhythmic.Core;

namespace Rhythmic.Warehouse;

/// <summary>
/// The warehouse's one load lock (<see cref="AdvisoryLocks.WarehouseLoad"/>), held for a whole load or maintenance run
/// on the session that runs it: a full load, an incremental load (all its day transactions), and maintenance's VACUUMs
/// take turns whoever starts them (the scheduler on any server, <c>rhythmic load</c>, the bench). A session lock, so a
/// process that dies releases it with its connection; it is unlocked explicitly otherwise, since a pooled connection
/// would keep it.
/// </summary>
internal sealed class WarehouseLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;

    private WarehouseLock(NpgsqlConnection conn) => _conn = conn;

    /// <summary>Waits for the lock on <paramref name="conn"/>'s session (cancellable) and holds it until disposed.</summary>
    public static async Task<WarehouseLock> HoldAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await WarehouseSql.ExecAsync(conn, null, WarehouseSql.Read("lock/hold.sql"), ct, AdvisoryLocks.WarehouseLoad);
        return new WarehouseLock(conn);
    }

    public async ValueTask DisposeAsync()
    {
        // A broken connection has released the lock already; an open one is unlocked even when the run was cancelled.
        if (_conn.State == System.Data.ConnectionState.Open)
            await WarehouseSql.ExecAsync(_conn, null, WarehouseSql.Read("lock/release.sql"), CancellationToken.None, AdvisoryLocks.WarehouseLoad);
    }
}
