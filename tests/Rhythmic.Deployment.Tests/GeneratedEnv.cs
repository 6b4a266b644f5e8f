namespace Rhythmic.Deployment.Tests;

/// <summary>
/// A docker/.env written by the real generator (docker/compose.sh env, what ./setup.sh --docker runs) in a copy of
/// docker/ under a temporary folder, so the repository's own docker/.env is never touched.
/// </summary>
internal sealed class GeneratedEnv : IDisposable
{
    public string Folder { get; }
    public string DockerDir => Path.Combine(Folder, "docker");
    public string EnvPath => Path.Combine(DockerDir, ".env");

    public GeneratedEnv()
    {
        Folder = Directory.CreateTempSubdirectory("rhythmic-docker-").FullName;
        Directory.CreateDirectory(DockerDir);
        foreach (var file in new[] { "compose.sh", "docker-compose.yml" })
            File.Copy(Repo.PathOf(Path.Combine("docker", file)), Path.Combine(DockerDir, file));
    }

    /// <summary>Runs docker/compose.sh with <paramref name="args"/> in the copy.</summary>
    public (int Exit, string Out, string Err) Script(IDictionary<string, string?>? environment, params string[] args)
        => Repo.Run("bash", [Path.Combine(DockerDir, "compose.sh"), .. args], environment, Folder);

    /// <summary>Writes (or completes) the .env and returns its values.</summary>
    public IReadOnlyDictionary<string, string> Write(params string[] options)
    {
        var (exit, _, err) = Script(null, ["env", .. options]);
        Assert.True(exit == 0, $"docker/compose.sh env failed (exit {exit}): {err}");
        return Values();
    }

    public IReadOnlyDictionary<string, string> Values()
        => File.ReadAllLines(EnvPath).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
