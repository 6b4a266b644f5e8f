using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using Rhythmic.Core.Events;
using Rhythmic.Parquet;
using static Rhythmic.Warehouse.EventColumns;

namespace Rhythmic.Warehouse;

/// <summary>
/// The second pass over the replaced hours' events: each event becomes its fact row, keyed here (date and time keys,
/// the song, place, user agent and user row the dimension pass resolved) and written by binary COPY straight into its fact table,
/// one COPY per topic, while a thread of its own encodes the rows. The same pass counts the hours' minute and day
/// aggregates and each session's part (<see cref="BatchAggregates"/>). Rules, as the facts' grain in
/// core/Rhythmic.Core/Migrations/0301_dw_facts.sql states them: a listen without a full song has no fact; a page view
/// without one has song_key 0; a user without a dim_user row at the event's instant is user_key 0; an event without a
/// user agent has user_agent_key 0 (0313_dw_user_agent.sql).
/// </summary>
internal sealed class FactPass(HourSet hours, DimensionPass dims, DimensionKeys keys, ILoadProfiler? profile)
{
    private static readonly (string Topic, string Command)[] Copies =
    [
        (Topics.Listen, "copy dw.fact_listen (date_key, time_key, user_key, song_key, location_key, session_id, item_in_session, level, duration, user_agent_key, ts) from stdin (format binary)"),
        (Topics.PageView, "copy dw.fact_page_view (date_key, time_key, user_key, song_key, location_key, session_id, item_in_session, level, page, auth, method, status, user_agent_key, ts) from stdin (format binary)"),
        (Topics.Auth, "copy dw.fact_auth (date_key, time_key, user_key, location_key, session_id, item_in_session, level, is_success, user_agent_key, ts) from stdin (format binary)"),
        (Topics.StatusChange, "copy dw.fact_level_change (date_key, time_key, user_key, location_key, session_id, item_in_session, from_level, to_level, ts) from stdin (format binary)"),
    ];

    /// <summary>The columns the second pass reads: all but the user agent, which the dimension pass numbered.</summary>
    private static readonly bool[] Wanted = EventColumns.All().Select((_, column) => column != UserAgent).ToArray();

    private long _rows;
    private long _hour = long.MinValue, _dateKey, _day;

    public BatchAggregates Aggregates { get; } = new();

    /// <summary>Fact rows written.</summary>
    public long Facts { get; private set; }

    /// <summary>Writes every topic's facts; the topics are read in the dimension pass's order, so its numbers line up.</summary>
    public async Task CopyAsync(NpgsqlConnection conn, IEventSource source, CancellationToken ct)
    {
        foreach (var topic in Cells.TopicOrder)
        {
            var command = Copies.Single(c => c.Topic == topic).Command;
            var start = Stopwatch.GetTimestamp();
            await CopyPipeline.RunAsync(conn, command, sink =>
            {
                foreach (var block in source.Read(topic, Wanted, sink.Token))
                    Encode(block, sink);
            }, ct);
            profile.Add($"2 facts {topic} (encode + copy)", start);
        }
        if (_rows != dims.Rows)
            throw new InvalidOperationException($"The fact pass read {_rows} events where the dimension pass read {dims.Rows}.");
    }

    private void Encode(EventBlock block, CopyPipeline.Sink sink)
    {
        var c = block.Columns;
        var r = sink.Rows;
        var a = Aggregates;
        var lane = dims.LaneOf(block.Topic);
        for (var row = 0; row < block.Count; row++)
        {
            var ts = Cells.Micros(c[Ts], row)!.Value;
            var hour = HourSet.HourOf(ts);
            if (!hours.Contains(hour)) continue;
            if (hour != _hour) SetHour(hour);
            var songRef = lane.SongRefs[lane.Cursor];
            if (songRef != 0) songRef += lane.SongOffset;
            var placeRef = lane.PlaceRefs[lane.Cursor] + lane.PlaceOffset;
            var agentRef = lane.AgentRefs[lane.Cursor];
            if (agentRef != 0) agentRef += lane.AgentOffset;
            lane.Cursor++;
            _rows++;
            var timeKey = (ts - _day * 86_400_000_000) / 1_000_000;
            var locationKey = keys.LocationKeys[placeRef];
            var agentKey = keys.UserAgentKeys[agentRef];
            UserVersions.Entry? user = null;
            var userKey = Cells.Long(c[UserId], row) is { } userId ? keys.Users.KeyAt(userId, ts, out user) : 0;
            var minute = ts - (ts - _day * 86_400_000_000) % 60_000_000;
            switch (block.Topic)
            {
                case Topics.Listen:
                    if (songRef == 0) continue;   // a listen names its song
                    var songKey = keys.SongKeys[songRef];
                    Keys(r, 11, timeKey, userKey, songKey, locationKey);
                    Common(r, c, row);
                    Double(r, c[Duration], row);
                    r.Int64(agentKey);
                    r.TimestampMicros(ts);
                    a.Listen(minute, _dateKey, _day, songKey);
                    break;
                case Topics.PageView:
                    var pageSong = songRef == 0 ? 0 : keys.SongKeys[songRef];
                    Keys(r, 14, timeKey, userKey, pageSong, locationKey);
                    Common(r, c, row);
                    Text(r, c[Page], row);
                    Text(r, c[Auth], row);
                    Text(r, c[Method], row);
                    Int(r, c[Status], row);
                    r.Int64(agentKey);
                    r.TimestampMicros(ts);
                    a.PageView(minute, _dateKey, _day, timeKey, ts, c, row, locationKey, userKey, user);
                    break;
                case Topics.Auth:
                    Keys(r, 10, timeKey, userKey, null, locationKey);
                    Common(r, c, row);
                    var success = c[Success] is { } s && !s.IsNull(row) && s.GetBoolean(row);
                    r.Boolean(success);
                    r.Int64(agentKey);
                    r.TimestampMicros(ts);
                    a.Auth(minute, _dateKey, success);
                    break;
                default:
                    Keys(r, 9, timeKey, userKey, null, locationKey);
                    Common(r, c, row);
                    r.Text(c[Level] is { } lv && !lv.IsNull(row) && lv.GetBytes(row).SequenceEqual("free"u8) ? "paid"u8 : "free"u8);
                    r.TimestampMicros(ts);
                    a.LevelChange(minute, _dateKey);
                    break;
            }
            Facts++;
            sink.SendWhenFull();
        }
    }

    private void SetHour(long hour)
    {
        _hour = hour;
        _day = Math.DivRem(hour, 86_400_000_000, out var rem) - (rem < 0 ? 1 : 0);
        var d = DateTime.UnixEpoch.AddDays(_day);
        _dateKey = d.Year * 10000 + d.Month * 100 + d.Day;
    }

    private void Keys(CopyRowEncoder r, short fields, long timeKey, long userKey, long? songKey, long locationKey)
    {
        r.StartRow(fields);
        r.Int64(_dateKey);
        r.Int64(timeKey);
        r.Int64(userKey);
        if (songKey is { } song) r.Int64(song);
        r.Int64(locationKey);
    }

    /// <summary>session_id, item_in_session, level: every fact has them.</summary>
    private static void Common(CopyRowEncoder r, ColumnBuffer?[] c, int row)
    {
        if (Cells.Long(c[SessionId], row) is { } session) r.Int64(session); else r.Null();
        Int(r, c[ItemInSession], row);
        Text(r, c[Level], row);
    }

    private static void Text(CopyRowEncoder r, ColumnBuffer? b, int row)
    {
        if (b is null || b.IsNull(row)) r.Null(); else r.Text(b.GetBytes(row));
    }

    private static void Int(CopyRowEncoder r, ColumnBuffer? b, int row)
    {
        if (Cells.Int(b, row) is { } v) r.Int32(v); else r.Null();
    }

    private static void Double(CopyRowEncoder r, ColumnBuffer? b, int row)
    {
        if (Cells.Double(b, row) is { } v) r.Double(v); else r.Null();
    }
}

/// <summary>
/// One binary COPY whose rows a producer encodes on a thread of its own while the caller's thread writes the encoded
/// chunks to PostgreSQL, so encoding overlaps the server's work. A failure on either side cancels the COPY.
/// </summary>
internal static class CopyPipeline
{
    /// <summary>Encoded chunks in flight: enough to ride out a slow block, bounded in memory.</summary>
    private const int ChunksInFlight = 4;

    public static async Task RunAsync(NpgsqlConnection conn, string command, Action<Sink> produce, CancellationToken ct)
    {
        var chunks = Channel.CreateBounded<(byte[] Buffer, int Length)>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var copy = await conn.BeginRawBinaryCopyAsync(command, ct);
        var completed = false;
        try
        {
            copy.Write(CopyRowEncoder.HeaderBytes);
            var producer = Task.Run(() =>
            {
                try
                {
                    var sink = new Sink(chunks.Writer, stop.Token);
                    produce(sink);
                    sink.Send();
                }
                finally
                {
                    chunks.Writer.TryComplete();
                }
            }, stop.Token);
            try
            {
                while (await chunks.Reader.WaitToReadAsync(CancellationToken.None))
                    while (chunks.Reader.TryRead(out var chunk))
                        await copy.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), ct);
            }
            catch
            {
                stop.Cancel();
                try { await producer; } catch (OperationCanceledException) { }
                throw;
            }
            await producer;
            copy.Write([0xff, 0xff]);   // the trailer: a row of -1 fields
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                try { await copy.CancelAsync(); }
                catch (PostgresException) { }   // the server's answer to the cancel
                catch (NpgsqlException) { }     // the connection broke: nothing to cancel
            }
            await copy.DisposeAsync();   // ends the COPY (committing its rows to the transaction unless cancelled)
        }
    }

    /// <summary>Where a producer encodes rows (<see cref="Rows"/>) and hands them over (<see cref="SendWhenFull"/>, <see cref="Send"/>).</summary>
    public sealed class Sink(ChannelWriter<(byte[], int)> chunks, CancellationToken token)
    {
        /// <summary>The size of a chunk handed over; the buffer has room for a row beyond it.</summary>
        private const int ChunkBytes = 1 << 20;

        public CopyRowEncoder Rows { get; } = new(ChunkBytes + (1 << 16));

        public CancellationToken Token => token;

        /// <summary>Hands the rows over once they fill a chunk; a producer calls it after each row.</summary>
        public void SendWhenFull()
        {
            if (Rows.Length >= ChunkBytes) Send();
        }

        public void Send()
        {
            if (Rows.Length == 0) return;
            var chunk = Rows.Detach();
            if (!chunks.TryWrite(chunk)) chunks.WriteAsync(chunk, token).AsTask().GetAwaiter().GetResult();
        }
    }
}
