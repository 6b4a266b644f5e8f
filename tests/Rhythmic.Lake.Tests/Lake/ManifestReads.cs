using Npgsql;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>What the tests read of the manifest, through the queries the platform uses.</summary>
internal static class ManifestReads
{
    /// <summary>The committed files of <paramref name="topic"/>'s <paramref name="hour"/>, as a load reads them.</summary>
    public static async Task<IReadOnlyList<LakeFile>> FilesAsync(this LakeManifest manifest, string topic, DateTimeOffset hour)
    {
        await using var conn = await manifest.DataSource.OpenConnectionAsync();
        return await LakeManifest.FilesAsync(conn, null, [hour.UtcDateTime], topic, CancellationToken.None);
    }

    /// <summary>The end of <paramref name="topic"/>'s last complete hour by the lake's rule (lake.complete_watermark), or null.</summary>
    public static async Task<DateTimeOffset?> CompleteUntilAsync(this LakeManifest manifest, string topic)
    {
        await using var conn = await manifest.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("select date_trunc('hour', lake.complete_watermark($1::text), 'UTC')", conn) { Parameters = { new() { Value = topic } } };
        return await cmd.ExecuteScalarAsync() is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }
}
