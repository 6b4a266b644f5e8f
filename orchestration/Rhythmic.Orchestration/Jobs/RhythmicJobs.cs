using Hangfire;
using Hangfire.Server;
using Npgsql;
using NpgsqlTypes;
using Rhythmic.Warehouse;

namespace Rhythmic.Orchestration.Jobs;

/// <summary>
/// The jobs as Hangfire runs them: one public method each, whose arguments (why it runs, the hours to reconcile) are
/// stored with the job. Hangfire fills in the <see cref="PerformContext"/> and the cancellation token (cancelled when
/// the server stops). Each run is recorded in ops.job_runs by <see cref="RecordedRun"/>.
/// </summary>
internal sealed class RhythmicJobs(JobContext context)
{
    /// <summary>Our job's name for one of these methods' names, or null.</summary>
    internal static string? NameOf(string method) => method switch
    {
        nameof(FullLoad) => JobNames.FullLoad,
        nameof(IncrementalLoad) => JobNames.IncrementalLoad,
        nameof(Reconcile) => JobNames.Reconcile,
        nameof(Maintenance) => JobNames.Maintenance,
        _ => null,
    };

    /// <summary>Rebuilds the warehouse from the whole lake, holding the load lock.</summary>
    [ExclusiveLoad, JobDisplayName("full-load ({0})")]
    public Task FullLoad(string origin, PerformContext? perform, CancellationToken ct)
        => RecordedRun.RunAsync(context, JobNames.FullLoad, origin, perform!, ct, async token =>
        {
            await using var _ = await LoadLock.AcquireAsync(context.Options.DataSource, token);
            var outcome = await context.Runner.FullLoadAsync(token);
            return new RunResult(outcome.Rows, outcome.Hours, null);
        });

    /// <summary>
    /// Loads the complete new (and changed) hours, holding the load lock, then adds a reconcile of those hours as a
    /// continuation of this job: Hangfire queues it once this job has succeeded. A run after downtime catches up on
    /// every missed hour by itself, so the recurring job runs once for the slots it missed (misfire mode Relaxed).
    /// </summary>
    [ExclusiveLoad, JobDisplayName("incremental-load ({0})")]
    public Task IncrementalLoad(string origin, PerformContext? perform, CancellationToken ct)
        => RecordedRun.RunAsync(context, JobNames.IncrementalLoad, origin, perform!, ct, async token =>
        {
            LoadOutcome outcome;
            await using (await LoadLock.AcquireAsync(context.Options.DataSource, token))
                outcome = await context.Runner.IncrementalLoadAsync(token);
            if (outcome.Hours.Count > 0)
            {
                var hours = outcome.Hours.ToArray();
                context.Client.ContinueJobWith<RhythmicJobs>(perform!.BackgroundJob.Id,
                    j => j.Reconcile(RunOrigins.AfterIncremental, hours, null, CancellationToken.None), JobContinuationOptions.OnlyOnSucceededState);
            }
            return new RunResult(outcome.Rows, outcome.Hours, null);
        });

    /// <summary>Compares speed and batch totals for the hours an incremental load just loaded (or those given to a manual trigger).</summary>
    [JobDisplayName("reconcile ({0})")]
    public Task Reconcile(string origin, DateTime[] hours, PerformContext? perform, CancellationToken ct)
        => RecordedRun.RunAsync(context, JobNames.Reconcile, origin, perform!, ct, async token =>
        {
            var differences = 0L;
            var notes = new List<string>();
            foreach (var hour in hours)
            {
                var outcome = await context.Runner.ReconcileAsync(hour, token);
                differences += outcome.Differences;
                if (outcome.Differences > 0) notes.Add($"{hour:yyyy-MM-dd HH}:00 {outcome.Differences} difference(s): {outcome.Summary}");
                else if (!string.IsNullOrEmpty(outcome.Summary)) notes.Add($"{hour:yyyy-MM-dd HH}:00 {outcome.Summary}");
            }
            var detail = hours.Length == 0 ? "no hours to reconcile"
                : notes.Count == 0 ? $"{hours.Length} hour(s) clean" : string.Join("; ", notes);
            return new RunResult(differences, hours, detail);
        });

    /// <summary>
    /// Vacuums and analyzes the warehouse tables that changed, holding the loads' lock (<see cref="WarehouseMaintenance"/>),
    /// and removes serving minutes and dead letters past their retention.
    /// </summary>
    [JobDisplayName("maintenance ({0})")]
    public Task Maintenance(string origin, PerformContext? perform, CancellationToken ct)
        => RecordedRun.RunAsync(context, JobNames.Maintenance, origin, perform!, ct, async token =>
        {
            var db = context.Options.DataSource;
            var vacuumed = await WarehouseMaintenance.VacuumChangedAsync(db, token);
            await using var conn = await db.OpenConnectionAsync(token);
            var cutoff = DateTime.UtcNow.AddDays(-context.Options.RetentionDays);
            var deleted = 0L;
            var purged = new List<string>();
            await using (var cmd = new NpgsqlCommand(Sql.MaintenancePurge, conn) { CommandTimeout = 0 })
            {
                cmd.Parameters.Add(new() { Value = cutoff, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await using var r = await cmd.ExecuteReaderAsync(token);
                while (await r.ReadAsync(token))
                {
                    deleted += r.GetInt64(1);
                    purged.Add($"{r.GetString(0)} -{r.GetInt64(1)}");
                }
            }
            var detail = $"vacuumed and analyzed {vacuumed.Count} warehouse table(s); purged before {cutoff:yyyy-MM-dd HH:mm}Z: "
                + (purged.Count == 0 ? "no serving tables yet" : string.Join(", ", purged));
            return new RunResult(deleted, null, detail);
        });
}
