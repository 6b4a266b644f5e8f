namespace Rhythmic.Core.Events;

/// <summary>
/// Where <c>rhythmic up</c> writes the history it simulates before going live (the platform's lake): supplied by the
/// composition that can reach it, so the simulator needs no reference to the batch layer.
/// </summary>
public interface IHistoryDestination
{
    /// <summary>True when the platform holds no events yet: only a fresh platform gets history.</summary>
    Task<bool> IsEmptyAsync(CancellationToken ct);

    /// <summary>A sink for the history up to <paramref name="end"/> (exclusive), whose hours are complete once it is flushed.</summary>
    Task<IEventSink> OpenAsync(DateTimeOffset end, CancellationToken ct);
}
