using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Warehouse;

namespace Rhythmic.Orchestration;

/// <summary>The loads of the warehouse (batch-layer/Rhythmic.Warehouse) behind <see cref="ILoadRunner"/>.</summary>
public sealed class WarehouseLoadRunner(WarehouseLoader loader, Reconciler reconciler) : ILoadRunner
{
    /// <summary>The loads of the configured warehouse, on the process's data source <paramref name="dataSource"/>.</summary>
    public static ILoadRunner Create(RhythmicSettings settings, NpgsqlDataSource dataSource, ILoggerFactory loggerFactory)
        => new WarehouseLoadRunner(new WarehouseLoader(settings, dataSource, loggerFactory.CreateLogger<WarehouseLoader>()),
            new Reconciler(dataSource, loggerFactory.CreateLogger<Reconciler>()));

    public async Task<LoadOutcome> FullLoadAsync(CancellationToken ct)
    {
        var result = await loader.FullLoadAsync(ct);
        return new LoadOutcome(result.Hours, result.Rows);
    }

    public async Task<LoadOutcome> IncrementalLoadAsync(CancellationToken ct)
    {
        var result = await loader.IncrementalLoadAsync(ct);
        return new LoadOutcome(result.Hours, result.Rows);
    }

    public async Task<ReconcileOutcome> ReconcileAsync(DateTime hourUtc, CancellationToken ct)
    {
        // The reconciler records every difference in ops.reconcile_difference; the run history keeps a summary.
        var result = await reconciler.ReconcileAsync(hourUtc, ct);
        var summary = string.Join(", ", result.Differences.GroupBy(d => d.Measure).Select(g => $"{g.Key} x{g.Count()}"));
        return new ReconcileOutcome(result.Hour, result.Differences.Count, summary);
    }
}
