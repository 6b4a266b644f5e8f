using Npgsql;
using NpgsqlTypes;

namespace Rhythmic.Orchestration;

/// <summary>Reads and writes the run history in ops.job_runs.</summary>
public sealed class JobRunStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records the start of a run of Hangfire job <paramref name="jobId"/>; a recovery if another run of it was left running.</summary>
    internal async Task<(long RunId, string Origin)> StartAsync(string job, string origin, int attempt, string instanceId, string jobId, DateTime? scheduledAt, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql.JobRunStart, conn);
        cmd.Parameters.Add(new() { Value = job });
        cmd.Parameters.Add(new() { Value = origin });
        cmd.Parameters.Add(new() { Value = attempt });
        cmd.Parameters.Add(new() { Value = instanceId });
        cmd.Parameters.Add(new() { Value = jobId });
        cmd.Parameters.Add(new() { Value = (object?)(scheduledAt is { } t ? AsUtc(t) : null) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetString(1));
    }

    internal async Task FinishAsync(long runId, string status, long? rows, IReadOnlyList<DateTime>? hours, string? detail, string? error)
    {
        // Always written, even while shutting down: the history must say how the run ended.
        await using var conn = await OpenAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand(Sql.JobRunFinish, conn);
        cmd.Parameters.Add(new() { Value = runId });
        cmd.Parameters.Add(new() { Value = status });
        cmd.Parameters.Add(new() { Value = (object?)rows ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)hours?.Select(AsUtc).ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = (object?)detail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>The runs of one Hangfire job, oldest first: its attempts and recoveries.</summary>
    public async Task<IReadOnlyList<JobRun>> RunsOfJobAsync(string jobId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql.JobRunsOfJob, conn);
        cmd.Parameters.Add(new() { Value = jobId });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Runs newest first, of one job or all, optionally only the failed ones.</summary>
    public async Task<IReadOnlyList<JobRun>> HistoryAsync(string? job, bool failedOnly, int limit, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql.JobRunsHistory, conn);
        cmd.Parameters.Add(new() { Value = (object?)job ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = failedOnly });
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>The latest run of each job that ever ran.</summary>
    public async Task<IReadOnlyDictionary<string, JobRun>> LastRunsAsync(CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql.JobRunsLast, conn);
        return (await ReadAsync(cmd, ct)).ToDictionary(r => r.Job);
    }

    /// <summary>Whether the warehouse has never been loaded.</summary>
    public async Task<bool> WarehouseIsEmptyAsync(CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql.WarehouseIsEmpty, conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => dataSource.OpenConnectionAsync(ct);

    private static async Task<IReadOnlyList<JobRun>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var runs = new List<JobRun>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            runs.Add(new JobRun(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetDateTime(5), r.GetDateTime(6), r.IsDBNull(7) ? null : r.GetDateTime(7),
                r.GetString(8), r.IsDBNull(9) ? null : r.GetInt64(9),
                r.IsDBNull(10) ? [] : r.GetFieldValue<DateTime[]>(10), r.IsDBNull(11) ? null : r.GetString(11),
                r.IsDBNull(12) ? null : r.GetString(12), r.GetString(13)));
        }
        return runs;
    }

    private static DateTime AsUtc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };
}
