using System.Text.Json.Nodes;

namespace Rhythmic.Superset.Tests;

/// <summary>One YAML file of the bundle: its path under the bundle's folder (e.g. charts/Plays.yaml) and its content.</summary>
internal sealed record Asset(string Path, JsonObject Content)
{
    /// <summary>The first folder of the path, as Superset's importer picks the schema: databases, datasets, charts, dashboards.</summary>
    public string Kind => Path.Contains('/') ? Path[..Path.IndexOf('/')] : Path;

    public string? Str(string key) => Content[key]?.GetValue<string>();
}

/// <summary>The Superset assets of serving/superset/assets, read from the source tree.</summary>
internal sealed class SupersetAssets
{
    public required string Folder { get; init; }
    public required IReadOnlyList<Asset> Files { get; init; }

    public Asset Metadata => Files.Single(f => f.Path == "metadata.yaml");
    public IEnumerable<Asset> Of(string kind) => Files.Where(f => f.Kind == kind);
    public Asset Database => Of("databases").Single();
    public IEnumerable<Asset> Datasets => Of("datasets");
    public IEnumerable<Asset> Charts => Of("charts");
    public Asset Dashboard => Of("dashboards").Single();

    public Asset DatasetOf(Asset chart) => Datasets.Single(d => d.Str("uuid") == chart.Str("dataset_uuid"));

    /// <summary>The folder serving/superset of this source tree (found by walking up to Rhythmic.sln).</summary>
    public static string SupersetFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Rhythmic.sln")))
                return System.IO.Path.Combine(dir.FullName, "serving", "superset");
        throw new InvalidOperationException($"no Rhythmic.sln above {AppContext.BaseDirectory}");
    }

    private static readonly Lazy<SupersetAssets> Loaded = new(() => Load(System.IO.Path.Combine(SupersetFolder(), "assets")));

    /// <summary>The assets, parsed once per test process.</summary>
    public static SupersetAssets Current => Loaded.Value;

    /// <summary>Every .yaml file under <paramref name="folder"/>, parsed (a file that does not parse fails with its path).</summary>
    public static SupersetAssets Load(string folder)
    {
        var files = new List<Asset>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = System.IO.Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (!relative.EndsWith(".yaml", StringComparison.Ordinal))
                throw new InvalidDataException($"{relative}: only .yaml files belong in the bundle (Superset ignores the rest)");
            JsonNode? node;
            try { node = YamlJson.Parse(File.ReadAllText(file)); }
            catch (Exception e) { throw new InvalidDataException($"{relative} does not parse: {e.Message}", e); }
            files.Add(new Asset(relative, node as JsonObject ?? throw new InvalidDataException($"{relative} is not a mapping")));
        }
        return new SupersetAssets { Folder = folder, Files = files };
    }
}
