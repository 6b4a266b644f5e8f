namespace Rhythmic.Orchestration;

/// <summary>
/// The work the scheduled jobs run: the warehouse's loads and reconciliation. The scheduler depends on this seam rather
/// than on the warehouse's classes so that its own behaviour (locks, retries, misfires, recovery) can be tested alone.
/// </summary>
public interface ILoadRunner
{
    /// <summary>Rebuilds the warehouse from the whole lake.</summary>
    Task<LoadOutcome> FullLoadAsync(CancellationToken ct);

    /// <summary>Loads every complete new hour and reloads changed ones.</summary>
    Task<LoadOutcome> IncrementalLoadAsync(CancellationToken ct);

    /// <summary>Compares the speed and batch views of one closed hour.</summary>
    Task<ReconcileOutcome> ReconcileAsync(DateTime hourUtc, CancellationToken ct);
}

/// <summary>What a load did: the hours it (re)loaded and the rows it wrote.</summary>
public sealed record LoadOutcome(IReadOnlyList<DateTime> Hours, long Rows);

/// <summary>What reconciling an hour found: the number of differences, and a short description of them.</summary>
public sealed record ReconcileOutcome(DateTime HourUtc, int Differences, string Summary);
