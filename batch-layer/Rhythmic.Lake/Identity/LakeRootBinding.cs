using Npgsql;
using Rhythmic.Core;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Lake.Identity;

/// <summary>A lake directory and manifest that were not made for each other: the use is refused, with what to do.</summary>
public sealed class LakeRootMismatchException(string message) : RhythmicException(message);

/// <summary>The outcome of binding a directory to the platform's manifest.</summary>
/// <param name="LakeId">The lake's id (in lake.root and the directory's marker).</param>
/// <param name="Root">The directory, absolute.</param>
/// <param name="MovedFrom">Where the manifest last saw this lake when it has moved since (the marker came along), else null.</param>
public sealed record LakeBinding(Guid LakeId, string Root, string? MovedFrom);

/// <summary>
/// One lake, one manifest. The platform's manifest (lake.files) records paths relative to one directory, named with its
/// id in lake.root (migration 0202) and in that directory's marker (<see cref="LakeMarker"/>). Every lander, backfill
/// and load binds its directory before it reads or writes a manifest row: the first binder of an unbound manifest
/// claims it with a directory that is no lake yet; afterwards a directory that holds another lake's marker, a standalone
/// lake's, or (at another path) none is refused with a <see cref="LakeRootMismatchException"/>.
/// </summary>
public static class LakeRootBinding
{
    private static readonly System.Reflection.Assembly Sql = typeof(LakeRootBinding).Assembly;
    private static readonly string RootOfManifest = SqlResources.Read(Sql, "lake/root_of_manifest.sql");
    private static readonly string ClaimRoot = SqlResources.Read(Sql, "lake/claim_root.sql");
    private static readonly string MoveRoot = SqlResources.Read(Sql, "lake/move_root.sql");

    /// <summary>A directory's path in the form lake.root keeps: absolute, without a trailing separator.</summary>
    public static string Normalize(string directory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));

    /// <summary>Whether two directory paths name the same directory (after normalizing them).</summary>
    public static bool SameDirectory(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    /// <summary>The lake this manifest is bound to (its id and root), or null when none is yet.</summary>
    public static async Task<(Guid LakeId, string Root)?> BoundRootAsync(this LakeManifest manifest, CancellationToken ct = default)
    {
        await using var conn = await manifest.DataSource.OpenConnectionAsync(ct);
        return await ReadAsync(conn, ct);
    }

    /// <summary>
    /// Binds <paramref name="storage"/>'s directory to this manifest (claiming an unbound manifest, writing the marker
    /// when the directory lacks it), or throws a <see cref="LakeRootMismatchException"/> naming both and what to do.
    /// </summary>
    public static async Task<LakeBinding> BindRootAsync(this LakeManifest manifest, ILakeStorage storage, CancellationToken ct = default)
    {
        var root = Normalize(storage.Location);
        var marker = LakeMarker.Read(storage);
        if (marker is { Manifest: LakeManifestKind.File })
            throw new LakeRootMismatchException(
                $"{root} is a standalone lake (a backfill into another directory) with its own manifest {Path.Combine(root, LakeMarker.ManifestPath)}, not the lake of the platform's manifest: " +
                "set Lake:Root to the platform's lake directory, or check this one with `rhythmic lake verify --root DIR`.");
        await using var conn = await manifest.DataSource.OpenConnectionAsync(ct);
        var bound = await ReadAsync(conn, ct);
        if (bound is null)
        {
            // A directory that is already a lake belongs to the manifest that bound it (a new, empty database would let a
            // lander remove its files as uncommitted). An unmarked one is claimed: a new lake, or one from before
            // migration 0202, whose paths are relative to this same Lake:Root.
            if (marker is not null)
                throw new LakeRootMismatchException(
                    $"{root} is lake {marker.LakeId}, recorded by another manifest, and the platform's lake manifest is bound to no lake (a new database?): " +
                    $"point Postgres at the database that records lake {marker.LakeId}, or, to start a new lake, set Lake:Root to a new directory.");
            await using (var claim = new NpgsqlCommand(ClaimRoot, conn) { Parameters = { new() { Value = Guid.NewGuid() }, new() { Value = root } } })
                await claim.ExecuteNonQueryAsync(ct);
            bound = await ReadAsync(conn, ct);
        }
        var (id, boundRoot) = bound!.Value;
        if (marker is null)
        {
            if (!string.Equals(boundRoot, root, StringComparison.Ordinal))
                throw new LakeRootMismatchException(
                    $"The platform's lake manifest belongs to the lake at {boundRoot} (lake {id}), but {root} holds no lake marker ({LakeMarker.MarkerPath}): " +
                    $"set Lake:Root to {boundRoot}, or, to start a new lake here, use a new PostgreSQL database.");
            // The claimer stopped before writing the marker, or the directory was emptied: it is still this manifest's root.
            LakeMarker.New(LakeManifestKind.Postgres, id).Write(storage);
            return new LakeBinding(id, root, null);
        }
        if (marker.LakeId != id)
            throw new LakeRootMismatchException(
                $"{root} is lake {marker.LakeId}, but the platform's lake manifest belongs to lake {id} at {boundRoot}: " +
                $"set Lake:Root to {boundRoot}, or use the PostgreSQL database that records lake {marker.LakeId}.");
        if (string.Equals(boundRoot, root, StringComparison.Ordinal)) return new LakeBinding(id, root, null);
        // The same lake (its marker came along) at a new path: it was moved or mounted elsewhere. Follow it.
        await using (var move = new NpgsqlCommand(MoveRoot, conn) { Parameters = { new() { Value = id }, new() { Value = root } } })
            await move.ExecuteNonQueryAsync(ct);
        return new LakeBinding(id, root, boundRoot);
    }

    private static async Task<(Guid, string)?> ReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(RootOfManifest, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetGuid(0), r.GetString(1)) : null;
    }
}
