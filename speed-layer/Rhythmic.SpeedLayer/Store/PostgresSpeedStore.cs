using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Kafka;
using Rhythmic.SpeedLayer.Aggregation;

namespace Rhythmic.SpeedLayer.Store;

/// <summary>
/// The serving store in PostgreSQL (schema <c>serving</c>): each flush is one transaction that locks the partitions'
/// offsets rows, checks they still hold what this consumer started from, adds the aggregates with array upserts
/// (one statement per table, sent in one batch), the dead letters and gaps, and stores the new offsets.
/// </summary>
public sealed class PostgresSpeedStore(NpgsqlDataSource dataSource) : ISpeedStore
{
    private static readonly string LoadSql = Sql("load_checkpoints"), ClaimSql = Sql("claim_offsets"), LockSql = Sql("lock_offsets"),
        SaveSql = Sql("save_offsets"), ListensSql = Sql("listens_minute"), SongsSql = Sql("song_plays_minute"),
        ArtistsSql = Sql("artist_plays_minute"), ActiveSql = Sql("active_users_minute"), PageViewsSql = Sql("page_views_minute"),
        AuthSql = Sql("auth_minute"), LevelChangesSql = Sql("level_changes_minute"), SessionsSql = Sql("sessions_started_minute"),
        LateSql = Sql("late_events"), DeadLettersSql = Sql("dead_letters");

    /// <inheritdoc />
    public IReadOnlyDictionary<(string Topic, int Partition), Checkpoint> LoadCheckpoints(string consumerGroup, IReadOnlyCollection<(string Topic, int Partition)> partitions)
    {
        var result = new Dictionary<(string, int), Checkpoint>();
        if (partitions.Count == 0) return result;
        using var conn = Open();
        using var cmd = new NpgsqlCommand(LoadSql, conn);
        cmd.Parameters.Add(new() { Value = consumerGroup });
        cmd.Parameters.Add(new() { Value = partitions.Select(p => p.Topic).ToArray() });
        cmd.Parameters.Add(new() { Value = partitions.Select(p => p.Partition).ToArray() });
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var next = reader.GetInt64(2);
            if (next >= 0) result[(reader.GetString(0), reader.GetInt32(1))] = new Checkpoint(next, reader.GetInt64(3));
        }
        return result;
    }

    /// <inheritdoc />
    public CommitOutcome Commit(string consumerGroup, SpeedBatch batch)
    {
        using var conn = Open();
        using var tx = conn.BeginTransaction();
        var topics = batch.Progress.Select(p => p.Topic).ToArray();
        var partitions = batch.Progress.Select(p => p.Partition).ToArray();

        using (var claim = new NpgsqlBatch(conn, tx))
        {
            claim.BatchCommands.Add(Command(ClaimSql, consumerGroup, topics, partitions));
            claim.BatchCommands.Add(Command(LockSql, consumerGroup, topics, partitions));
            using var reader = claim.ExecuteReader();
            if (reader.FieldCount == 0) reader.NextResult(); // past the insert, to the locked rows
            var stored = new Dictionary<(string, int), long>();
            while (reader.Read()) stored[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
            foreach (var p in batch.Progress)
                if (!stored.TryGetValue((p.Topic, p.Partition), out var now) || now != p.ExpectedNextOffset)
                    return CommitOutcome.Conflict; // disposing the transaction rolls it back
        }

        using (var write = new NpgsqlBatch(conn, tx))
        {
            AddAggregates(write.BatchCommands, batch.Aggregates);
            var dead = batch.DeadLetters;
            if (dead.Count > 0)
                write.BatchCommands.Add(Command(DeadLettersSql, consumerGroup, dead.Select(d => d.Topic).ToArray(), dead.Select(d => d.Partition).ToArray(),
                    dead.Select(d => d.Offset).ToArray(), dead.Select(d => d.ReceivedAt).ToArray(), dead.Select(d => d.Reason).ToArray(),
                    dead.Select(d => d.Payload).ToArray(), dead.Select(d => d.PayloadBytes).ToArray()));
            var gaps = batch.Gaps;
            if (gaps.Count > 0)
                write.BatchCommands.Add(Command(ConsumerGaps.RecordSql, consumerGroup, gaps.Select(g => g.Topic).ToArray(), gaps.Select(g => g.Partition).ToArray(),
                    gaps.Select(g => g.FirstMissing).ToArray(), gaps.Select(g => g.LastMissing).ToArray(), gaps.Select(g => g.How).ToArray()));
            write.BatchCommands.Add(Command(SaveSql, consumerGroup, topics, partitions,
                batch.Progress.Select(p => p.NextOffset).ToArray(), batch.Progress.Select(p => p.MaxEventTs).ToArray()));
            write.ExecuteNonQuery();
        }
        tx.Commit();
        return CommitOutcome.Committed;
    }

    private static void AddAggregates(NpgsqlBatchCommandCollection commands, MinuteAggregates a)
    {
        if (a.Listens.Count > 0)
            commands.Add(Command(ListensSql, Minutes(a.Listens.Keys.Select(k => k.Minute)), a.Listens.Keys.Select(k => k.Level).ToArray(),
                a.Listens.Keys.Select(k => k.Gender).ToArray(), a.Listens.Keys.Select(k => k.State).ToArray(), a.Listens.Values.ToArray()));
        if (a.SongPlays.Count > 0)
            commands.Add(Command(SongsSql, Minutes(a.SongPlays.Keys.Select(k => k.Minute)), a.SongPlays.Keys.Select(k => k.Artist).ToArray(),
                a.SongPlays.Keys.Select(k => k.Song).ToArray(), a.SongPlays.Values.ToArray()));
        if (a.ArtistPlays.Count > 0)
            commands.Add(Command(ArtistsSql, Minutes(a.ArtistPlays.Keys.Select(k => k.Minute)), a.ArtistPlays.Keys.Select(k => k.Artist).ToArray(),
                a.ArtistPlays.Values.ToArray()));
        if (a.ActiveUsers.Count > 0)
            commands.Add(Command(ActiveSql, Minutes(a.ActiveUsers.Select(k => k.Minute)), a.ActiveUsers.Select(k => k.Level).ToArray(),
                a.ActiveUsers.Select(k => k.IsGuest).ToArray(), a.ActiveUsers.Select(k => k.ActorId).ToArray(),
                a.ActiveUsers.Select(k => k.Gender).ToArray(), a.ActiveUsers.Select(k => k.State).ToArray()));
        if (a.PageViews.Count > 0)
            commands.Add(Command(PageViewsSql, Minutes(a.PageViews.Keys.Select(k => k.Minute)), a.PageViews.Keys.Select(k => k.Page).ToArray(),
                a.PageViews.Keys.Select(k => k.Level).ToArray(), a.PageViews.Keys.Select(k => k.Status).ToArray(), a.PageViews.Values.ToArray()));
        if (a.Logins.Count > 0)
            commands.Add(Command(AuthSql, Minutes(a.Logins.Keys.Select(k => k.Minute)), a.Logins.Keys.Select(k => k.Success).ToArray(), a.Logins.Values.ToArray()));
        if (a.LevelChanges.Count > 0)
            commands.Add(Command(LevelChangesSql, Minutes(a.LevelChanges.Keys.Select(k => k.Minute)), a.LevelChanges.Keys.Select(k => k.FromLevel).ToArray(),
                a.LevelChanges.Keys.Select(k => k.ToLevel).ToArray(), a.LevelChanges.Values.ToArray()));
        if (a.SessionsStarted.Count > 0)
            commands.Add(Command(SessionsSql, Minutes(a.SessionsStarted.Keys.Select(k => k.Minute)), a.SessionsStarted.Keys.Select(k => k.Level).ToArray(),
                a.SessionsStarted.Values.ToArray()));
        if (a.Late.Count > 0)
            commands.Add(Command(LateSql, a.Late.Keys.Select(k => k.Topic).ToArray(), Minutes(a.Late.Keys.Select(k => k.Minute)), a.Late.Values.ToArray()));
    }

    private static DateTime[] Minutes(IEnumerable<long> ms) => ms.Select(m => DateTime.UnixEpoch.AddMilliseconds(m)).ToArray();

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return cmd;
    }

    private NpgsqlConnection Open() => dataSource.OpenConnection();

    private static string Sql(string name) => SqlResources.Read(typeof(PostgresSpeedStore).Assembly, $"speed/{name}.sql");
}
