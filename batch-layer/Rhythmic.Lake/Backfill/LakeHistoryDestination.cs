using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;

namespace Rhythmic.Lake.Backfill;

/// <summary>The platform's lake as the destination of <c>rhythmic up</c>'s history (the backfill's sink and manifest).</summary>
public sealed class LakeHistoryDestination(RhythmicSettings settings, NpgsqlDataSource dataSource) : IHistoryDestination
{
    /// <summary>True when the platform's manifest records no file: nothing landed or backfilled yet.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("select not exists (select from lake.files)", conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A backfill into the platform's lake whose watermark is <paramref name="end"/>.</summary>
    public async Task<IEventSink> OpenAsync(DateTimeOffset end, CancellationToken ct) => await LakeSink.CreateAsync(settings, dataSource, null, end, ct);
}
