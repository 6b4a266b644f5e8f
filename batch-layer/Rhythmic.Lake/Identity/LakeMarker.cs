using System.Text;
using System.Text.Json;
using Rhythmic.Core;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Lake.Identity;

/// <summary>Where a lake's manifest lives: the platform's PostgreSQL (lake.files) or a file inside the lake.</summary>
public enum LakeManifestKind
{
    /// <summary>The platform's lake: its manifest is lake.files in PostgreSQL, bound to it by lake.root.</summary>
    Postgres,
    /// <summary>A standalone lake (a backfill into another directory): its manifest is <see cref="LakeMarker.ManifestPath"/>.</summary>
    File,
}

/// <summary>
/// The marker file <c>_rhythmic/lake.json</c> in a lake's root: the lake's id and where its manifest lives. It sits
/// outside <c>raw/</c>, so <c>read_parquet('DIR/raw/*/*/*/*/*/*.parquet')</c> still reads only the lake's Parquet files.
/// </summary>
public sealed record LakeMarker(Guid LakeId, LakeManifestKind Manifest, DateTimeOffset CreatedAt)
{
    /// <summary>The folder of the lake's own bookkeeping, beside raw/.</summary>
    public const string Folder = "_rhythmic";
    /// <summary>The marker's path, relative to the lake root.</summary>
    public const string MarkerPath = Folder + "/lake.json";
    /// <summary>The manifest of a standalone lake, relative to its root.</summary>
    public const string ManifestPath = Folder + "/manifest.jsonl";

    /// <summary>The marker of <paramref name="storage"/>'s lake, or null when it has none.</summary>
    public static LakeMarker? Read(ILakeStorage storage)
    {
        if (!storage.Exists(MarkerPath)) return null;
        try
        {
            using var stream = storage.OpenRead(MarkerPath);
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            var kind = root.GetProperty("manifest").GetString() switch
            {
                "postgres" => LakeManifestKind.Postgres,
                "file" => LakeManifestKind.File,
                var other => throw new FormatException($"unknown manifest kind '{other}'"),
            };
            return new LakeMarker(root.GetProperty("lakeId").GetGuid(), kind, root.GetProperty("createdAt").GetDateTimeOffset());
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new RhythmicException($"The lake marker {Path.Combine(storage.Location, MarkerPath)} does not parse ({e.Message}): restore it, or move the directory aside.", e);
        }
    }

    /// <summary>Writes this marker into <paramref name="storage"/>'s lake, atomically (temporary file, then rename), safely beside other writers.</summary>
    public void Write(ILakeStorage storage)
    {
        var json = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$"""{"lakeId":"{{LakeId:D}}","manifest":"{{(Manifest == LakeManifestKind.Postgres ? "postgres" : "file")}}","createdAt":"{{CreatedAt.UtcDateTime:O}}"}""");
        // A temporary file of this writer's own: landers scaled out start together and each writes the marker.
        var temp = $"{MarkerPath}.{Guid.NewGuid():N}{LakeLayout.TempSuffix}";
        storage.WriteDurably(temp, s => s.Write(Encoding.UTF8.GetBytes(json + "\n")));
        storage.Publish(temp, MarkerPath);
    }

    /// <summary>A new marker.</summary>
    public static LakeMarker New(LakeManifestKind kind, Guid? id = null) => new(id ?? Guid.NewGuid(), kind, DateTimeOffset.UtcNow);
}
