using Npgsql;
using NpgsqlTypes;
using Rhythmic.Core;
using Rhythmic.Core.Kafka;

namespace Rhythmic.Lake;

/// <summary>One committed lake file as the manifest records it.</summary>
public sealed record LakeFile(long FileId, string Topic, int KafkaPartition, long FirstOffset, long LastOffset, DateTimeOffset Hour,
    string Path, long RowCount, long Bytes, string Source, DateTimeOffset CommittedAt);

/// <summary>A file about to be committed.</summary>
internal sealed record NewLakeFile(string Topic, int KafkaPartition, long FirstOffset, long LastOffset, long HourMs, string Path, long RowCount, long Bytes, string Source);

/// <summary>A partition's next offset moving from <paramref name="Expected"/> (-1: none stored) to <paramref name="NextOffset"/>.</summary>
internal sealed record OffsetAdvance(string Topic, int Partition, long NextOffset, long Expected);

internal sealed record WatermarkAdvance(string Topic, int Partition, long WatermarkMs);

internal sealed record DeadLetter(string Topic, int Partition, long Offset, string Reason, byte[] Payload, int PayloadBytes);

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
public sealed class LakeManifest(string connectionString)
{
    private static readonly System.Reflection.Assembly Sql = typeof(LakeManifest).Assembly;
    private static readonly string InsertFile = SqlResources.Read(Sql, "lake/insert_file.sql");
    private static readonly string AdvanceOffset = SqlResources.Read(Sql, "lake/advance_offset.sql");
    private static readonly string RaiseWatermark = SqlResources.Read(Sql, "lake/raise_watermark.sql");
    private static readonly string InsertDeadLetter = SqlResources.Read(Sql, "lake/insert_dead_letter.sql");
    private static readonly string OffsetsOfGroup = SqlResources.Read(Sql, "lake/offsets_of_group.sql");
    private static readonly string PathsOfPartition = SqlResources.Read(Sql, "lake/paths_of_partition.sql");
    private static readonly string FilesOfHour = SqlResources.Read(Sql, "lake/files_of_hour.sql");
    private static readonly string CompleteUntil = SqlResources.Read(Sql, "lake/complete_until.sql");

    public string ConnectionString => connectionString;

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

    /// <summary>The committed files of <paramref name="topic"/> whose events fall in <paramref name="hour"/>.</summary>
    public async Task<IReadOnlyList<LakeFile>> FilesAsync(string topic, DateTimeOffset hour, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(FilesOfHour, conn) { Parameters = { new() { Value = topic }, new() { Value = hour.ToUniversalTime() } } };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new List<LakeFile>();
        while (await r.ReadAsync(ct))
            result.Add(new LakeFile(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetFieldValue<DateTimeOffset>(5),
                r.GetString(6), r.GetInt64(7), r.GetInt64(8), r.GetString(9), r.GetFieldValue<DateTimeOffset>(10)));
        return result;
    }

    /// <summary>The end of <paramref name="topic"/>'s last complete hour (every partition's watermark is past it), or null.</summary>
    public async Task<DateTimeOffset?> CompleteUntilAsync(string topic, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(CompleteUntil, conn) { Parameters = { new() { Value = topic } } };
        return await cmd.ExecuteScalarAsync(ct) is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }

    /// <summary>Commits files, offsets, watermarks, dead letters and gaps in one transaction; fenced on the offsets.</summary>
    internal async Task CommitAsync(string group, LakeCommit commit, CancellationToken ct = default)
    {
        if (commit.IsEmpty) return;
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var f in commit.Files)
        {
            await using var cmd = new NpgsqlCommand(InsertFile, conn, tx)
            {
                Parameters =
                {
                    new() { Value = f.Topic }, new() { Value = f.KafkaPartition }, new() { Value = f.FirstOffset }, new() { Value = f.LastOffset },
                    new() { Value = DateTimeOffset.FromUnixTimeMilliseconds(f.HourMs), NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    new() { Value = f.Path }, new() { Value = f.RowCount }, new() { Value = f.Bytes }, new() { Value = f.Source },
                },
            };
            await cmd.ExecuteNonQueryAsync(ct);
        }
        foreach (var o in commit.Offsets)
        {
            await using var cmd = new NpgsqlCommand(AdvanceOffset, conn, tx)
            {
                Parameters = { new() { Value = group }, new() { Value = o.Topic }, new() { Value = o.Partition }, new() { Value = o.NextOffset }, new() { Value = o.Expected } },
            };
            if (await cmd.ExecuteNonQueryAsync(ct) != 1)
                throw new LakeFencedException($"The stored offset of {o.Topic}[{o.Partition}] for group {group} is no longer {o.Expected}: another lander owns the partition now.");
        }
        foreach (var w in commit.Watermarks)
        {
            await using var cmd = new NpgsqlCommand(RaiseWatermark, conn, tx)
            {
                Parameters = { new() { Value = w.Topic }, new() { Value = w.Partition }, new() { Value = DateTimeOffset.FromUnixTimeMilliseconds(w.WatermarkMs), NpgsqlDbType = NpgsqlDbType.TimestampTz } },
            };
            await cmd.ExecuteNonQueryAsync(ct);
        }
        foreach (var d in commit.DeadLetters)
        {
            await using var cmd = new NpgsqlCommand(InsertDeadLetter, conn, tx)
            {
                Parameters =
                {
                    new() { Value = group }, new() { Value = d.Topic }, new() { Value = d.Partition }, new() { Value = d.Offset },
                    new() { Value = d.Reason }, new() { Value = d.Payload }, new() { Value = d.PayloadBytes },
                },
            };
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (commit.Gaps.Count > 0) await RecordGapsAsync(conn, tx, group, commit.Gaps, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task RecordGapsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string group, List<OffsetGap> gaps, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(ConsumerGaps.RecordSql, conn, tx)
        {
            Parameters =
            {
                new() { Value = group }, new() { Value = gaps.Select(g => g.Topic).ToArray() }, new() { Value = gaps.Select(g => g.Partition).ToArray() },
                new() { Value = gaps.Select(g => g.FirstMissing).ToArray() }, new() { Value = gaps.Select(g => g.LastMissing).ToArray() },
                new() { Value = gaps.Select(g => g.How).ToArray() },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        return conn;
    }
}
