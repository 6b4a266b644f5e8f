using System.Text.RegularExpressions;

namespace Rhythmic.Deployment.Tests;

/// <summary>docker/compose.sh, behind ./setup.sh, ./startup.sh and ./shutdown.sh --docker: the .env it writes, and what it says without an engine.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class DockerScriptsTests : IDisposable
{
    private readonly GeneratedEnv _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public void The_env_file_is_private_and_holds_every_variable_compose_requires()
    {
        var values = _env.Write();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_env.EnvPath));
        var required = ComposeFile.Load(values).Variables.Where(v => v.Value).Select(v => v.Key).ToList();
        Assert.NotEmpty(required);
        foreach (var name in required)
            Assert.True(values.TryGetValue(name, out var value) && value.Length > 0, $"docker/.env lacks {name}, which docker-compose.yml requires");
    }

    [Fact]
    public void Every_secret_is_random_distinct_and_kept_by_the_next_run()
    {
        var first = _env.Write();
        var secrets = first.Where(kv => SecretName().IsMatch(kv.Key)).ToList();
        Assert.Equal(7, secrets.Count);
        Assert.All(secrets, s => Assert.Matches("^[0-9a-f]{48}$", s.Value));
        Assert.Equal(secrets.Count, secrets.Select(s => s.Value).Distinct().Count());
        Assert.Equal(first, _env.Write());
        using var other = new GeneratedEnv();
        var elsewhere = other.Write();
        Assert.All(secrets, s => Assert.NotEqual(s.Value, elsewhere[s.Key]));
    }

    [Fact]
    public void Choosing_three_brokers_or_no_superset_changes_only_the_profiles_and_bootstrap()
    {
        var before = _env.Write();
        File.AppendAllText(_env.EnvPath, "RHYTHMIC_SIMULATE_USERS=1000\n");
        var after = _env.Write("--kafka3", "--no-superset");
        Assert.Equal("kafka3", after["COMPOSE_PROFILES"]);
        Assert.Equal("kafka-1:9092,kafka-2:9092,kafka-3:9092", after["RHYTHMIC_KAFKA_BOOTSTRAP"]);
        Assert.Equal("1000", after["RHYTHMIC_SIMULATE_USERS"]);
        foreach (var (key, value) in before.Where(kv => kv.Key is not ("COMPOSE_PROFILES" or "RHYTHMIC_KAFKA_BOOTSTRAP")))
            Assert.Equal(value, after[key]);
        Assert.Equal("kafka1,superset", _env.Write("--kafka1", "--superset")["COMPOSE_PROFILES"]);
    }

    [Theory]
    [InlineData("setup")]
    [InlineData("start")]
    [InlineData("stop")]
    public void Without_a_docker_engine_each_script_says_so_in_one_line_and_fails(string command)
    {
        _env.Write();
        // A docker client whose engine does not answer, as on this machine, whatever the machine running the test has.
        var bin = Directory.CreateDirectory(Path.Combine(_env.Folder, "bin")).FullName;
        var docker = Path.Combine(bin, "docker");
        File.WriteAllText(docker, "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n");
        File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (exit, _, err) = _env.Script(new Dictionary<string, string?> { ["PATH"] = $"{bin}:/usr/bin:/bin" }, command);
        Assert.Equal(1, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no Docker engine answers here", line);
    }

    [Fact]
    public void Without_a_docker_command_the_script_says_so_in_one_line_and_fails()
    {
        _env.Write();
        var bin = Directory.CreateDirectory(Path.Combine(_env.Folder, "emptybin")).FullName;
        foreach (var tool in new[] { "bash", "dirname", "readlink", "sed", "tail" })
            File.CreateSymbolicLink(Path.Combine(bin, tool), ToolPath(tool));
        var (exit, _, err) = _env.Script(new Dictionary<string, string?> { ["PATH"] = bin }, "start");
        Assert.Equal(1, exit);
        Assert.Contains("no docker command here", Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void The_plain_scripts_refuse_an_unknown_argument_and_setup_keeps_docker_options_for_docker()
    {
        foreach (var script in new[] { "setup.sh", "startup.sh", "shutdown.sh" })
        {
            var (exit, _, err) = Repo.Run("bash", [Repo.PathOf(script), "--no-such-option"]);
            Assert.Equal(2, exit);
            Assert.Contains("unknown argument", err);
        }
        var (code, _, message) = Repo.Run("bash", [Repo.PathOf("setup.sh"), "--kafka3"]);
        Assert.Equal(2, code);
        Assert.Contains("goes with --docker", message);
    }

    private static string ToolPath(string tool)
        => new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).First(File.Exists);

    [GeneratedRegex("(PASSWORD|TOKEN|SECRET_KEY)$")]
    private static partial Regex SecretName();
}
