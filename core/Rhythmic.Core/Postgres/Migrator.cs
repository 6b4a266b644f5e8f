using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Rhythmic.Core;

/// <summary>
/// Applies the versioned migrations of every layer (each layer's Migrations/NNNN_name.sql, see <see cref="MigrationSet"/>)
/// in order of version across all of them, each in its own transaction, and records them in
/// <c>public.schema_migrations</c>. Applying twice changes nothing; an applied migration whose file changed afterwards
/// is an error, since the database no longer matches the code.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, IEnumerable<MigrationSet> sets, ILogger? logger = null)
{
    private readonly ILogger _log = logger ?? NullLogger.Instance;

    /// <summary>The migrations of these sets: (version, name, sql), by version.</summary>
    public IReadOnlyList<Migration> All { get; } = Plan(sets);

    /// <summary>Every migration of <paramref name="sets"/> by version; two with one version (in any sets) are an error.</summary>
    public static IReadOnlyList<Migration> Plan(IEnumerable<MigrationSet> sets)
    {
        var all = sets.SelectMany(s => s.Migrations).OrderBy(m => m.Version).ToList();
        var dupes = all.GroupBy(m => m.Version).Where(g => g.Count() > 1).Select(g => $"{g.Key} ({string.Join(", ", g.Select(m => m.Name))})").ToList();
        if (dupes.Count > 0) throw new RhythmicException($"Two migrations share version(s) {string.Join("; ", dupes)}.");
        return all;
    }

    /// <summary>Applies pending migrations; returns the names of those applied now.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await Exec(conn, null, $"select pg_advisory_lock({AdvisoryLocks.Migrations})", ct);
        try
        {
            await Exec(conn, null, """
                create table if not exists public.schema_migrations (
                  version int primary key, name text not null, checksum text not null,
                  applied_at timestamptz not null default now())
                """, ct);
            var applied = new Dictionary<int, (string Name, string Checksum)>();
            await using (var cmd = new NpgsqlCommand("select version, name, checksum from public.schema_migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));

            var done = new List<string>();
            foreach (var m in All)
            {
                if (applied.TryGetValue(m.Version, out var seen))
                {
                    if (seen.Checksum != m.Checksum)
                        throw new RhythmicException($"Migration {m.Name} was changed after it was applied (as {seen.Name}); add a new migration instead.");
                    continue;
                }
                await using var tx = await conn.BeginTransactionAsync(ct);
                try { await Exec(conn, tx, m.Sql, ct); }
                catch (PostgresException e) { throw new RhythmicException($"Migration {m.Name} failed: {e.MessageText}", e); }
                await using (var record = new NpgsqlCommand("insert into public.schema_migrations(version, name, checksum) values ($1, $2, $3)", conn, tx))
                {
                    record.Parameters.Add(new() { Value = m.Version });
                    record.Parameters.Add(new() { Value = m.Name });
                    record.Parameters.Add(new() { Value = m.Checksum });
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                _log.LogInformation("Applied migration {Migration}", m.Name);
                done.Add(m.Name);
            }
            return done;
        }
        finally
        {
            // A broken connection has lost its session lock already; unlocking it would only hide why it broke.
            if (conn.State == System.Data.ConnectionState.Open)
                await Exec(conn, null, $"select pg_advisory_unlock({AdvisoryLocks.Migrations})", CancellationToken.None);
        }
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>One versioned migration.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}
