using Npgsql;
using NpgsqlTypes;
using Rhythmic.Core;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;

namespace Rhythmic.Lake;

/// <summary>One committed lake file as the manifest records it.</summary>
public sealed record LakeFile(long FileId, string Topic, int KafkaPartition, long FirstOffset, long LastOffset, DateTimeOffset Hour,
    string Path, long RowCount, long Bytes, string Source, DateTimeOffset CommittedAt);

/// <summary>
/// One hour of the lake as the manifest records it: its files and events, a digest of its files (it changes when a file
/// of the hour is added), and whether it is complete (every partition's watermark has passed its end).
/// </summary>
public sealed record ManifestHour(DateTime Hour, int Files, long Events, string Digest, bool IsComplete);

/// <summary>A file about to be committed.</summary>
internal sealed record NewLakeFile(string Topic, int KafkaPartition, long FirstOffset, long LastOffset, long HourMs, string Path, long RowCount, long Bytes, string Source);

/// <summary>A partition's next offset moving from <paramref name="Expected"/> (-1: none stored) to <paramref name="NextOffset"/>.</summary>
internal sealed record OffsetAdvance(string Topic, int Partition, long NextOffset, long Expected);

internal sealed record WatermarkAdvance(string Topic, int Partition, long WatermarkMs);

/// <summary>Everything one commit makes visible at once.</summary>
internal sealed class LakeCommit
{
    public List<NewLakeFile> Files { get; } = [];
    public List<OffsetAdvance> Offsets { get; } = [];
    public List<WatermarkAdvance> Watermarks { get; } = [];
    public List<DeadLetter> DeadLetters { get; } = [];
    /// <summary>Offset ranges the commit's offset advances step over unread (ops.consumer_gaps).</summary>
    public List<OffsetGap> Gaps { get; } = [];
    public bool IsEmpty => Files.Count == 0 && Offsets.Count == 0 && Watermarks.Count == 0 && DeadLetters.Count == 0 && Gaps.Count == 0;
}

/// <summary>A lander tried to move offsets another lander had moved: it no longer owns the partition.</summary>
public sealed class LakeFencedException(string message) : RhythmicException(message);

/// <summary>The lake's PostgreSQL tables (migration 0200): committed files, lander offsets, watermarks.</summary>
public sealed class LakeManifest(NpgsqlDataSource dataSource)
{
    private static readonly System.Reflection.Assembly Sql = typeof(LakeManifest).Assembly;
    private static readonly string InsertFiles = SqlResources.Read(Sql, "lake/insert_files.sql");
    private static readonly string AdvanceOffsets = SqlResources.Read(Sql, "lake/advance_offsets.sql");
    private static readonly string RaiseWatermarks = SqlResources.Read(Sql, "lake/raise_watermarks.sql");
    private static readonly string InsertDeadLetters = SqlResources.Read(Sql, "lake/insert_dead_letters.sql");
    private static readonly Rhythmic.Core.Observability.Counter Commits = Rhythmic.Core.Observability.MetricsRegistry.Default.Counter(
        "rhythmic_lake_manifest_commits_total", "Manifest transactions committed (files, offsets, watermarks and dead letters of a checkpoint together).");
    private static readonly string OffsetsOfGroup = SqlResources.Read(Sql, "lake/offsets_of_group.sql");
    private static readonly string PathsOfPartition = SqlResources.Read(Sql, "lake/paths_of_partition.sql");
    private static readonly string FilesOfHours = SqlResources.Read(Sql, "lake/files_of_hours.sql");
    private static readonly string Hours = SqlResources.Read(Sql, "lake/hours.sql");

    /// <summary>The data source the manifest is read and written through (the process's one).</summary>
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The stored next offsets of <paramref name="group"/>.</summary>
    public async Task<Dictionary<(string Topic, int Partition), long>> OffsetsAsync(string group, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(OffsetsOfGroup, conn) { Parameters = { new() { Value = group } } };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<(string, int), long>();
        while (await r.ReadAsync(ct)) result[(r.GetString(0), r.GetInt32(1))] = r.GetInt64(2);
        return result;
    }

    /// <summary>Paths of the committed files of one topic partition.</summary>
    public async Task<HashSet<string>> PathsAsync(string topic, int partition, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(PathsOfPartition, conn) { Parameters = { new() { Value = topic }, new() { Value = partition } } };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new HashSet<string>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct)) result.Add(r.GetString(0));
        return result;
    }

    /// <summary>
    /// The committed files of <paramref name="hours"/> (UTC), of <paramref name="topic"/> or of every topic (null), by
    /// hour, topic and commit, read on the caller's connection so that a reader sees them in its own transaction.
    /// </summary>
    public static async Task<IReadOnlyList<LakeFile>> FilesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyCollection<DateTime> hours,
        string? topic, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(FilesOfHours, conn, tx)
        {
            CommandTimeout = 0,
            Parameters = { new() { Value = hours.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz }, new() { Value = (object?)topic ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text } },
        };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new List<LakeFile>();
        while (await r.ReadAsync(ct))
            result.Add(new LakeFile(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetFieldValue<DateTimeOffset>(5),
                r.GetString(6), r.GetInt64(7), r.GetInt64(8), r.GetString(9), r.GetFieldValue<DateTimeOffset>(10)));
        return result;
    }

    /// <summary>
    /// Every hour the manifest records files of, oldest first, with its digest and whether it is complete (every topic's
    /// partitions have passed its end: the lake's one rule, lake.complete_watermark), read on the caller's connection and transaction.
    /// </summary>
    public static async Task<IReadOnlyList<ManifestHour>> HoursAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Hours, conn, tx) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var hours = new List<ManifestHour>();
        while (await r.ReadAsync(ct))
            hours.Add(new ManifestHour(r.GetFieldValue<DateTime>(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetBoolean(4)));
        return hours;
    }

    /// <summary>
    /// Commits files, offsets, watermarks, dead letters and gaps in one transaction, fenced on the offsets. However many files
    /// a checkpoint holds, it costs one round trip of at most five statements (each taking its rows as arrays), not one per row.
    /// </summary>
    internal async Task CommitAsync(string group, LakeCommit commit, CancellationToken ct = default)
    {
        if (commit.IsEmpty) return;
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, tx);
        NpgsqlBatchCommand? offsets = null;
        if (commit.Files.Count > 0)
        {
            var f = commit.Files;
            batch.BatchCommands.Add(Command(InsertFiles,
                Array(f, x => x.Topic), Array(f, x => x.KafkaPartition), Array(f, x => x.FirstOffset), Array(f, x => x.LastOffset),
                new NpgsqlParameter { Value = f.Select(x => DateTimeOffset.FromUnixTimeMilliseconds(x.HourMs).UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                Array(f, x => x.Path), Array(f, x => x.RowCount), Array(f, x => x.Bytes), Array(f, x => x.Source)));
        }
        if (commit.Offsets.Count > 0)
        {
            var o = commit.Offsets;
            batch.BatchCommands.Add(offsets = Command(AdvanceOffsets,
                new NpgsqlParameter { Value = group }, Array(o, x => x.Topic), Array(o, x => x.Partition), Array(o, x => x.NextOffset), Array(o, x => x.Expected)));
        }
        if (commit.Watermarks.Count > 0)
        {
            var w = commit.Watermarks;
            batch.BatchCommands.Add(Command(RaiseWatermarks, Array(w, x => x.Topic), Array(w, x => x.Partition),
                new NpgsqlParameter { Value = w.Select(x => DateTimeOffset.FromUnixTimeMilliseconds(x.WatermarkMs).UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz }));
        }
        if (commit.DeadLetters.Count > 0)
        {
            var d = commit.DeadLetters;
            batch.BatchCommands.Add(Command(InsertDeadLetters, new NpgsqlParameter { Value = group },
                Array(d, x => x.Topic), Array(d, x => x.Partition), Array(d, x => x.Offset), Array(d, x => x.Reason),
                new NpgsqlParameter { Value = d.Select(x => x.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea }, Array(d, x => x.PayloadBytes)));
        }
        if (commit.Gaps.Count > 0)
        {
            var g = commit.Gaps;
            batch.BatchCommands.Add(Command(ConsumerGaps.RecordSql, new NpgsqlParameter { Value = group },
                Array(g, x => x.Topic), Array(g, x => x.Partition), Array(g, x => x.FirstMissing), Array(g, x => x.LastMissing), Array(g, x => x.How)));
        }
        var moved = new HashSet<(string, int)>();
        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            // Only the offsets statement returns rows: the partitions whose offsets moved.
            do
            {
                while (await r.ReadAsync(ct)) moved.Add((r.GetString(0), r.GetInt32(1)));
            }
            while (await r.NextResultAsync(ct));
        }
        if (offsets is not null && commit.Offsets.FirstOrDefault(o => !moved.Contains((o.Topic, o.Partition))) is { } stale)
            throw new LakeFencedException($"The stored offset of {stale.Topic}[{stale.Partition}] for group {group} is no longer {stale.Expected}: another lander owns the partition now.");
        await tx.CommitAsync(ct);
        Commits.Inc();
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Array<TRow, TValue>(List<TRow> rows, Func<TRow, TValue> value) => new() { Value = rows.Select(value).ToArray() };

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => dataSource.OpenConnectionAsync(ct);
}
