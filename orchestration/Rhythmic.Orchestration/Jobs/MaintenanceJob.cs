using Npgsql;
using NpgsqlTypes;
using Quartz;
using Rhythmic.Warehouse;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>
/// Vacuums and analyzes the warehouse tables that changed, holding the loads' lock (<see cref="WarehouseMaintenance"/>),
/// and removes serving minutes and dead letters past their retention.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class MaintenanceJob(JobContext context) : RecordedJob(context)
{
    protected override string Name => JobNames.Maintenance;

    protected override async Task<RunResult> RunAsync(IJobExecutionContext execution, CancellationToken ct)
    {
        var vacuumed = await WarehouseMaintenance.VacuumChangedAsync(Context.Options.ConnectionString, ct);
        await using var conn = new NpgsqlConnection(Context.Options.ConnectionString);
        await conn.OpenAsync(ct);

        var cutoff = DateTime.UtcNow.AddDays(-Context.Options.RetentionDays);
        var deleted = 0L;
        var purged = new List<string>();
        await using (var cmd = new NpgsqlCommand(Sql.MaintenancePurge, conn) { CommandTimeout = 0 })
        {
            cmd.Parameters.Add(new() { Value = cutoff, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                deleted += r.GetInt64(1);
                purged.Add($"{r.GetString(0)} -{r.GetInt64(1)}");
            }
        }
        var detail = $"vacuumed and analyzed {vacuumed.Count} warehouse table(s); purged before {cutoff:yyyy-MM-dd HH:mm}Z: "
            + (purged.Count == 0 ? "no serving tables yet" : string.Join(", ", purged));
        return new RunResult(deleted, null, detail);
    }
}
