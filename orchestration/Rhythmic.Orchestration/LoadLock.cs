using Npgsql;
using Rhythmic.Core;

namespace Rhythmic.Orchestration;

/// <summary>
/// The PostgreSQL advisory lock full and incremental loads hold while they run, so they never overlap on any server,
/// behind Hangfire's own lock (<see cref="Jobs.ExclusiveLoadFilter"/>), which expires after a while even when its
/// holder lives. A session lock: if the process dies its connection closes and the lock is released.
/// </summary>
internal sealed class LoadLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;

    private LoadLock(NpgsqlConnection conn) => _conn = conn;

    /// <summary>Waits for the lock (cancellable) and holds it until disposed.</summary>
    public static async Task<LoadLock> AcquireAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var conn = dataSource.CreateConnection();
        try
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(Sql.LoadLock, conn) { CommandTimeout = 0 };
            cmd.Parameters.Add(new() { Value = AdvisoryLocks.LoadJob });
            await cmd.ExecuteNonQueryAsync(ct);
            return new LoadLock(conn);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var cmd = new NpgsqlCommand(Sql.LoadUnlock, _conn);
            cmd.Parameters.Add(new() { Value = AdvisoryLocks.LoadJob });
            await cmd.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone, and the lock with it.
        }
        await _conn.DisposeAsync();
    }
}
