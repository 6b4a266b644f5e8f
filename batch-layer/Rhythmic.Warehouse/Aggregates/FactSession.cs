using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>
/// fact_session, built two ways that give the same rows (AggregatePathTests): into an empty table (a full load, or the
/// first) every session part the fact pass counted is its session's row; otherwise fact_session.sql merges the parts
/// into the sessions they continue and rebuilds from the facts the sessions the replaced hours cut into.
/// </summary>
internal sealed partial class BatchAggregates
{
    /// <summary>Writes the sessions of the replaced hours into dw.fact_session.</summary>
    public async Task WriteSessionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (await IsEmptyAsync(conn, tx, "dw.fact_session", ct))
            await CopySessionPartsAsync(conn, "dw.fact_session", ct);
        else
        {
            await CopySessionPartsAsync(conn, "dw.stg_session_part", ct);
            await ExecAsync(conn, tx, "fact_session.sql", ct);
        }
    }

    /// <summary>The sessions' parts, into <paramref name="table"/>: dw.stg_session_part, or dw.fact_session itself while it is empty.</summary>
    private Task CopySessionPartsAsync(NpgsqlConnection conn, string table, CancellationToken ct)
        => CopyPipeline.RunAsync(conn,
            $"copy {table} (session_id, date_key, time_key, user_key, location_key, level, start_ts, end_ts, events, listens) from stdin (format binary)",
            sink =>
            {
                var r = sink.Rows;
                foreach (var (id, s) in _sessions)
                {
                    r.StartRow(10);
                    r.Int64(id);
                    r.Int64(s.DateKey);
                    r.Int64(s.TimeKey);
                    r.Int64(s.LoginTs == long.MaxValue ? 0 : s.UserKey);
                    r.Int64(s.LocationKey);
                    r.Text(s.Level);
                    r.TimestampMicros(s.StartTs);
                    r.TimestampMicros(s.EndTs);
                    r.Int32(s.Events);
                    r.Int32(s.Listens);
                    sink.SendWhenFull();
                }
            }, ct);
}
