using Npgsql;

namespace Rhythmic.Warehouse;

/// <summary>One hour of the lake as its manifest describes it, and what the warehouse last loaded of it.</summary>
internal sealed record LakeHour(DateTime Hour, int Files, long Events, string ManifestDigest, bool IsComplete, string? LoadedDigest)
{
    /// <summary>Complete and either never loaded or changed since its load (late events).</summary>
    public bool NeedsLoad => IsComplete && LoadedDigest != ManifestDigest;
}

/// <summary>One Parquet file of the lake to stage.</summary>
internal sealed record LakeFileToStage(DateTime Hour, string Topic, string Path, long Rows);

/// <summary>Reads the lake's manifest (lake.files, lake.watermarks).</summary>
internal static class ManifestQueries
{
    public static async Task<IReadOnlyList<LakeHour>> HoursAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(WarehouseSql.Read("lake/hours.sql"), conn, tx) { CommandTimeout = 0 };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var hours = new List<LakeHour>();
        while (await reader.ReadAsync(ct))
            hours.Add(new LakeHour(reader.GetFieldValue<DateTime>(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        return hours;
    }

    public static async Task<IReadOnlyList<LakeFileToStage>> FilesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IEnumerable<DateTime> hours, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(WarehouseSql.Read("lake/files.sql"), conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { Value = hours.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var files = new List<LakeFileToStage>();
        while (await reader.ReadAsync(ct))
            files.Add(new LakeFileToStage(reader.GetFieldValue<DateTime>(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        return files;
    }
}
