using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Rhythmic.Superset.Tests;

/// <summary>serving/superset/build-bundle.sh: the zip Superset imports, with the password only from the environment.</summary>
public sealed class BuildBundleTests
{
    private static async Task<string> BuildAsync(string dir, IReadOnlyDictionary<string, string> env)
    {
        var zip = Path.Combine(dir, "bundle.zip");
        var psi = new ProcessStartInfo("bash", [Path.Combine(SupersetAssets.SupersetFolder(), "build-bundle.sh"), zip])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir,
        };
        foreach (var name in new[] { "RHYTHMIC_READER_PASSWORD", "RHYTHMIC_SUPERSET_PG_HOST", "RHYTHMIC_SUPERSET_PG_PORT", "RHYTHMIC_SUPERSET_PG_DATABASE" })
            psi.Environment.Remove(name);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"build-bundle.sh exited {process.ExitCode}: {await stderr}{await stdout}");
        return zip;
    }

    private static Dictionary<string, string> Entries(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return archive.Entries.Where(e => !e.FullName.EndsWith('/'))
            .ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());
    }

    [Fact]
    public async Task The_bundle_is_one_top_folder_holding_every_asset_and_no_password()
    {
        var dir = Directory.CreateTempSubdirectory("rhythmic-superset-bundle-").FullName;
        var entries = Entries(await BuildAsync(dir, new Dictionary<string, string>()));
        Assert.All(entries.Keys, k => Assert.StartsWith("rhythmic_superset/", k));
        var assets = SupersetAssets.Current;
        Assert.Equal(assets.Files.Select(f => "rhythmic_superset/" + f.Path).Order(), entries.Keys.Order());
        var database = YamlJson.Parse(entries["rhythmic_superset/databases/Rhythmic.yaml"])!.AsObject();
        Assert.False(database.ContainsKey("password"));
        Assert.EndsWith("@127.0.0.1:55432/rhythmic", database["sqlalchemy_uri"]!.GetValue<string>());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task The_password_and_address_come_from_the_environment_into_a_private_zip()
    {
        var dir = Directory.CreateTempSubdirectory("rhythmic-superset-bundle-").FullName;
        const string password = "s3cr'et-_x";
        var zip = await BuildAsync(dir, new Dictionary<string, string>
        {
            ["RHYTHMIC_READER_PASSWORD"] = password, ["RHYTHMIC_SUPERSET_PG_HOST"] = "db.internal", ["RHYTHMIC_SUPERSET_PG_PORT"] = "5432",
            ["RHYTHMIC_SUPERSET_PG_DATABASE"] = "analytics",
        });
        var database = YamlJson.Parse(Entries(zip)["rhythmic_superset/databases/Rhythmic.yaml"])!.AsObject();
        Assert.Equal(password, database["password"]!.GetValue<string>());
        Assert.Equal("postgresql+psycopg2://rhythmic_reader:XXXXXXXXXX@db.internal:5432/analytics", database["sqlalchemy_uri"]!.GetValue<string>());
        Assert.Equal([], ImportSchemas.Problems(new Asset("databases/Rhythmic.yaml", database)));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(zip));
        Assert.DoesNotContain(password, string.Concat(Directory.EnumerateFiles(SupersetAssets.SupersetFolder(), "*", SearchOption.AllDirectories).Select(File.ReadAllText)));
        Directory.Delete(dir, recursive: true);
    }
}
