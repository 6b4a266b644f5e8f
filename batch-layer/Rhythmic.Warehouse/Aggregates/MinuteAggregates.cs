using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>
/// agg_minute, whose replaced hours' rows (minute_aggregates.sql deletes them) are the fact pass's counts; and agg_hour,
/// summed from them (minute_aggregates_hour.sql).
/// </summary>
internal sealed partial class BatchAggregates
{
    /// <summary>Replaces the replaced hours' rows of dw.agg_minute and dw.agg_hour.</summary>
    public async Task WriteMinutesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await ExecAsync(conn, tx, "minute_aggregates.sql", ct);
        await CopyMinutesAsync(conn, ct);
        await ExecAsync(conn, tx, "minute_aggregates_hour.sql", ct);
    }

    /// <summary>The replaced hours' minutes, into dw.agg_minute (whose rows of those hours are deleted).</summary>
    private Task CopyMinutesAsync(NpgsqlConnection conn, CancellationToken ct)
        => CopyPipeline.RunAsync(conn,
            "copy dw.agg_minute (minute, date_key, plays, page_views, login_attempts, logins, level_changes, sessions_started) from stdin (format binary)",
            sink =>
            {
                var r = sink.Rows;
                foreach (var (minute, m) in _minutes)
                {
                    r.StartRow(8);
                    r.TimestampMicros(minute);
                    r.Int64(m.DateKey);
                    r.Int64(m.Plays);
                    r.Int64(m.PageViews);
                    r.Int64(m.LoginAttempts);
                    r.Int64(m.Logins);
                    r.Int64(m.LevelChanges);
                    r.Int64(m.SessionsStarted);
                }
            }, ct);
}
