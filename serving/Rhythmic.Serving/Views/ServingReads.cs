using System.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Rhythmic.Core;

namespace Rhythmic.Serving.Views;

/// <summary>
/// The serving API's reads: Dapper over the one <see cref="NpgsqlDataSource"/> of the read-only role, each answer in
/// one repeatable-read snapshot, so the loaded hours it labels and the rows it counts come from the same moment (a
/// load committing in between cannot make an hour counted by both views or by neither).
/// </summary>
public sealed class ServingReads([FromKeyedServices(ServingReads.Reader)] NpgsqlDataSource reader)
{
    static ServingReads() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>
    /// The API's data source over <paramref name="connectionString"/>: its sessions run in UTC, which the queries rely on
    /// (date_trunc cuts UTC buckets without a per-row time-zone lookup, a third of the cost of the three-argument form).
    /// </summary>
    /// Its statements are prepared once used twice (Npgsql's automatic preparation).
    public static NpgsqlDataSource CreateDataSource(string connectionString)
        => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Timezone = "UTC", MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 });

    /// <summary>
    /// The serving host's key of the read-only role's data source: a second data source of the process, a different
    /// user from the owner's (the unkeyed <see cref="NpgsqlDataSource"/> every layer writes through).
    /// </summary>
    public const string Reader = "rhythmic_reader";

    /// <summary>The data source (the read-only role's).</summary>
    public NpgsqlDataSource DataSource => reader;

    /// <summary>Runs <paramref name="work"/> in one read-only snapshot.</summary>
    public async Task<T> SnapshotAsync<T>(Func<Snapshot, Task<T>> work, CancellationToken ct)
    {
        await using var conn = await reader.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var result = await work(new Snapshot(conn, tx, ct));
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>One snapshot's queries.</summary>
    public sealed class Snapshot(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        /// <summary>The rows of the embedded query <paramref name="sql"/> ("serving/x.sql") with named parameters.</summary>
        public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
            => (await conn.QueryAsync<T>(new CommandDefinition(Sql(sql), args, tx, cancellationToken: ct))).AsList();

        /// <summary>The one row of <paramref name="sql"/>.</summary>
        public Task<T> SingleAsync<T>(string sql, object? args = null)
            => conn.QuerySingleAsync<T>(new CommandDefinition(Sql(sql), args, tx, cancellationToken: ct));

        /// <summary>The loaded hours of [from, to) and the end of the last loaded hour of all (null when none).</summary>
        public async Task<(HashSet<DateTime> Hours, DateTime? BatchThrough)> LoadedHoursAsync(DateTime from, DateTime to)
        {
            var rows = await QueryAsync<LoadedHourRow>("loaded_hours", new { from, to });
            return (rows.Where(r => r.Hour is not null).Select(r => r.Hour!.Value).ToHashSet(), rows.FirstOrDefault()?.BatchThrough);
        }
    }

    private static readonly Dictionary<string, string> Texts = [];

    private static string Sql(string name)
    {
        lock (Texts)
        {
            if (!Texts.TryGetValue(name, out var text))
                Texts[name] = text = SqlResources.Read(typeof(ServingReads).Assembly, $"serving/{name}.sql");
            return text;
        }
    }

    private sealed class LoadedHourRow
    {
        public DateTime? Hour { get; init; }
        public DateTime? BatchThrough { get; init; }
    }
}
