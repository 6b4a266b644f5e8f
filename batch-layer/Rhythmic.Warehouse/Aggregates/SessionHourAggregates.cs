using System.Runtime.InteropServices;
using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>
/// agg_session_hour, built two ways that give the same rows (AggregatePathTests): into an empty table the fact pass's
/// sessions (then all of fact_session) are counted in memory; otherwise session_hour_aggregates.sql counts again the
/// hours of the window the load's sessions moved in.
/// </summary>
internal sealed partial class BatchAggregates
{
    /// <summary>Brings dw.agg_session_hour up to date once fact_session is.</summary>
    public async Task WriteSessionHoursAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (await IsEmptyAsync(conn, tx, "dw.agg_session_hour", ct)) await CopySessionHoursAsync(conn, ct);
        else await ExecAsync(conn, tx, "session_hour_aggregates.sql", ct);
    }

    /// <summary>
    /// The sessions and their listens per hour of start, into dw.agg_session_hour while it is empty: fact_session was
    /// empty too before this load, so the sessions' parts are whole sessions.
    /// </summary>
    private Task CopySessionHoursAsync(NpgsqlConnection conn, CancellationToken ct)
        => CopyPipeline.RunAsync(conn, "copy dw.agg_session_hour (hour, sessions, listens) from stdin (format binary)", sink =>
        {
            var hours = new Dictionary<long, (long Sessions, long Listens)>();
            foreach (var s in _sessions.Values)
            {
                ref var h = ref CollectionsMarshal.GetValueRefOrAddDefault(hours, s.StartTs - ((s.StartTs % MicrosPerHour) + MicrosPerHour) % MicrosPerHour, out _);
                h.Sessions++;
                h.Listens += s.Listens;
            }
            var r = sink.Rows;
            foreach (var (hour, (sessions, listens)) in hours)
            {
                r.StartRow(3);
                r.TimestampMicros(hour);
                r.Int64(sessions);
                r.Int64(listens);
            }
        }, ct);
}
