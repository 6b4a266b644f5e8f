using Npgsql;
using Rhythmic.Core;
using Rhythmic.Lake.Storage;
using Rhythmic.Parquet;

namespace Rhythmic.Lake.Identity;

/// <summary>A recorded file that is not as the manifest says.</summary>
/// <param name="Path">Relative to the lake root.</param>
/// <param name="RecordedRows">The manifest's row count.</param>
/// <param name="Reason">What is wrong, in a few words.</param>
public sealed record LakeFileProblem(string Path, long RecordedRows, string Reason);

/// <summary>What <c>rhythmic lake verify</c> found, both ways: the manifest against the files and the files against the manifest.</summary>
public sealed record LakeVerifyReport(
    string Root, LakeManifestKind Manifest, Guid LakeId, string ManifestLocation, int Recorded, long RecordedRows,
    IReadOnlyList<LakeFileProblem> Missing, IReadOnlyList<string> Unrecorded, IReadOnlyList<LakeFileProblem> Unreadable, IReadOnlyList<string> Temporary)
{
    /// <summary>Every recorded file is present and reads as recorded, and every file under raw/ is recorded (temporary files aside).</summary>
    public bool Clean => Missing.Count == 0 && Unrecorded.Count == 0 && Unreadable.Count == 0;
}

/// <summary>
/// Checks a lake against its own manifest: the platform's (PostgreSQL, after binding the directory to it) or a
/// standalone lake's (<see cref="StandaloneLakeManifest"/>). The disk is listed before the manifest is read, and each
/// recorded file is looked for after, so a lander committing meanwhile is not mistaken for damage.
/// </summary>
public static class LakeVerifier
{
    private static readonly System.Reflection.Assembly Sql = typeof(LakeVerifier).Assembly;
    private static readonly string AllFiles = SqlResources.Read(Sql, "lake/all_files.sql");
    private static readonly string ForgetFiles = SqlResources.Read(Sql, "lake/forget_files.sql");
    private static readonly string RecordedOf = SqlResources.Read(Sql, "lake/recorded_of.sql");

    /// <summary>Verifies the platform's lake in <paramref name="storage"/> against <paramref name="manifest"/> (refused if the directory is not the manifest's).</summary>
    public static async Task<LakeVerifyReport> VerifyAsync(LakeManifest manifest, ILakeStorage storage, CancellationToken ct = default)
    {
        var binding = await manifest.BindRootAsync(storage, ct);
        var onDisk = List(storage);
        var recorded = new List<(string Path, long Rows, long Bytes)>();
        await using (var conn = await manifest.DataSource.OpenConnectionAsync(ct))
        {
            await using var cmd = new NpgsqlCommand(AllFiles, conn) { CommandTimeout = 0 };
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) recorded.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        }
        var report = Check(storage, LakeManifestKind.Postgres, binding.LakeId, "PostgreSQL lake.files", onDisk, recorded, ct);
        if (report.Unrecorded.Count == 0) return report;
        // A lander renames its files just before committing their rows: look once more at those found unrecorded.
        var now = new HashSet<string>(StringComparer.Ordinal);
        await using (var conn = await manifest.DataSource.OpenConnectionAsync(ct))
        {
            await using var cmd = new NpgsqlCommand(RecordedOf, conn) { Parameters = { new() { Value = report.Unrecorded.ToArray() } } };
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) now.Add(r.GetString(0));
        }
        return now.Count == 0 ? report : report with { Unrecorded = report.Unrecorded.Where(p => !now.Contains(p)).ToList() };
    }

    /// <summary>Verifies the standalone lake in <paramref name="storage"/> against its own manifest file.</summary>
    public static LakeVerifyReport Verify(ILakeStorage storage, CancellationToken ct = default)
    {
        var onDisk = List(storage);
        var manifest = StandaloneLakeManifest.Open(storage);
        return Check(storage, LakeManifestKind.File, manifest.Marker.LakeId, manifest.Location, onDisk,
            manifest.Files.Select(f => (f.Path, f.RowCount, f.Bytes)).ToList(), ct);
    }

    /// <summary>Removes the platform manifest's rows of <paramref name="paths"/> that are still missing from the lake; returns how many.</summary>
    public static async Task<int> ForgetMissingAsync(LakeManifest manifest, ILakeStorage storage, IEnumerable<string> paths, CancellationToken ct = default)
    {
        await manifest.BindRootAsync(storage, ct);
        var gone = paths.Where(p => !storage.Exists(p)).ToArray();
        if (gone.Length == 0) return 0;
        await using var conn = await manifest.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(ForgetFiles, conn) { Parameters = { new() { Value = gone } } };
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static List<string> List(ILakeStorage storage) => storage.List("raw").ToList();

    private static LakeVerifyReport Check(ILakeStorage storage, LakeManifestKind kind, Guid id, string manifestLocation, List<string> onDisk,
        List<(string Path, long Rows, long Bytes)> recorded, CancellationToken ct)
    {
        var missing = new List<LakeFileProblem>();
        var unreadable = new List<LakeFileProblem>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, rows, bytes) in recorded)
        {
            ct.ThrowIfCancellationRequested();
            known.Add(path);
            if (!storage.Exists(path))
            {
                missing.Add(new LakeFileProblem(path, rows, "recorded in the manifest, not in the lake"));
                continue;
            }
            var problem = Inspect(storage, path, rows, bytes);
            if (problem is not null) unreadable.Add(new LakeFileProblem(path, rows, problem));
        }
        var temporary = onDisk.Where(p => p.EndsWith(LakeLayout.TempSuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var unrecorded = onDisk.Where(p => !known.Contains(p) && !p.EndsWith(LakeLayout.TempSuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return new LakeVerifyReport(LakeRootBinding.Normalize(storage.Location), kind, id, manifestLocation, recorded.Count, recorded.Sum(r => r.Rows),
            missing, unrecorded, unreadable, temporary);
    }

    /// <summary>Null when the file reads as recorded; else what is wrong (its footer is read, not its pages).</summary>
    private static string? Inspect(ILakeStorage storage, string path, long rows, long bytes)
    {
        try
        {
            var length = storage.Length(path);
            if (length != bytes) return $"{length} bytes, the manifest records {bytes}";
            using var reader = new ParquetReader(storage.OpenRead(path), leaveOpen: false, name: path);
            return reader.RowCount == rows ? null : $"{reader.RowCount} rows, the manifest records {rows}";
        }
        catch (ParquetFormatException e)
        {
            return "footer does not parse: " + e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "cannot be read: " + e.Message;
        }
    }
}
