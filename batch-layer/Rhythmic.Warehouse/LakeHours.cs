using Npgsql;
using Rhythmic.Lake;

namespace Rhythmic.Warehouse;

/// <summary>One hour of the lake as its manifest describes it, and the digest of its manifest when the warehouse last loaded it.</summary>
internal sealed record LakeHour(ManifestHour Manifest, string? LoadedDigest)
{
    public DateTime Hour => Manifest.Hour;

    /// <summary>Complete and either never loaded or changed since its load (late events).</summary>
    public bool NeedsLoad => Manifest.IsComplete && LoadedDigest != Manifest.Digest;
}

/// <summary>The lake's hours (<see cref="LakeManifest.HoursAsync"/>) beside what the warehouse loaded of each (dw.load_state).</summary>
internal static class LakeHours
{
    public static async Task<IReadOnlyList<LakeHour>> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        var loaded = new Dictionary<DateTime, string>();
        await using (var cmd = new NpgsqlCommand(WarehouseSql.Read("state/loaded_hours.sql"), conn, tx) { CommandTimeout = 0 })
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) loaded[r.GetFieldValue<DateTime>(0)] = r.GetString(1);
        return (await LakeManifest.HoursAsync(conn, tx, ct)).Select(h => new LakeHour(h, loaded.GetValueOrDefault(h.Hour))).ToList();
    }
}
