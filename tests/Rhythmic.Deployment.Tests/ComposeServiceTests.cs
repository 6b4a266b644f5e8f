using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rhythmic.Cli;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;

namespace Rhythmic.Deployment.Tests;

/// <summary>What each service of docker/docker-compose.yml runs, and with what, checked against the program itself.</summary>
public sealed partial class ComposeServiceTests : IDisposable
{
    private readonly GeneratedEnv _env = new();
    private readonly ComposeFile _compose;

    public ComposeServiceTests() => _compose = ComposeFile.Load(_env.Write());

    public void Dispose() => _env.Dispose();

    /// <summary>The services that run the rhythmic image (the x-rhythmic anchor).</summary>
    private IEnumerable<(string Name, JsonObject Service)> RhythmicServices
        => _compose.Services.Where(s => s.Service["image"]?.ToString().StartsWith("rhythmic:", StringComparison.Ordinal) == true);

    [Fact]
    public void Every_layer_runs_as_its_own_rhythmic_service()
    {
        Assert.Equal(["jobs", "land", "migrate", "serve", "simulate", "speed"], RhythmicServices.Select(s => s.Name).Order());
    }

    [Fact]
    public void Every_image_is_pinned_and_every_build_context_and_dockerfile_exists()
    {
        foreach (var (name, service) in _compose.Services)
        {
            var image = service["image"]?.ToString();
            Assert.False(string.IsNullOrEmpty(image), $"service {name} names no image");
            Assert.True(image!.Contains(':') && !image.EndsWith(":latest", StringComparison.Ordinal), $"service {name}'s image {image} is not pinned to a tag");
            if (service["build"] is not JsonObject build) continue;
            var context = Path.GetFullPath(Path.Combine(Repo.PathOf("docker"), build["context"]!.ToString()));
            Assert.True(Directory.Exists(context), $"service {name}'s build context {context} does not exist");
            var dockerfile = Path.Combine(context, build["dockerfile"]?.ToString() ?? "Dockerfile");
            Assert.True(File.Exists(dockerfile), $"service {name}'s Dockerfile {dockerfile} does not exist");
        }
    }

    [Fact]
    public void Every_file_the_dockerfiles_copy_from_the_build_context_exists()
    {
        foreach (var dockerfile in new[] { "docker/Dockerfile", "docker/superset/Dockerfile" })
            foreach (Match m in CopyPattern().Matches(Repo.Read(dockerfile)))
            {
                var parts = m.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                foreach (var source in parts[..^1].Where(p => p != "." && !p.StartsWith("--", StringComparison.Ordinal)))
                    Assert.True(File.Exists(Repo.PathOf(source)) || Directory.Exists(Repo.PathOf(source)),
                        $"{dockerfile} copies {source}, which is not in the repository");
            }
    }

    [Fact]
    public void Every_file_a_service_mounts_from_the_repository_exists()
    {
        foreach (var (name, service) in _compose.Services)
            foreach (var volume in ComposeFile.StringsOf(service["volumes"]).Where(v => v.StartsWith('.')))
            {
                var source = Path.GetFullPath(Path.Combine(Repo.PathOf("docker"), volume.Split(':')[0]));
                Assert.True(File.Exists(source), $"service {name} mounts {source}, which does not exist");
            }
    }

    [Fact]
    public void Every_rhythmic_service_command_is_a_real_verb_with_valid_options()
    {
        var root = new RootCommand();
        foreach (var verb in VerbRegistry.All) root.Subcommands.Add(verb);
        foreach (var (name, service) in RhythmicServices)
        {
            Assert.Null(service["entrypoint"]); // the image's entry point runs rhythmic with the command
            var command = ComposeFile.StringsOf(service["command"]);
            Assert.NotEmpty(command);
            var parse = root.Parse(command.ToArray());
            Assert.True(parse.Errors.Count == 0, $"service {name}: rhythmic {string.Join(' ', command)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            Assert.True(parse.CommandResult.Command.Action is not null, $"service {name}: rhythmic {string.Join(' ', command)} names a group of verbs, not one that runs");
        }
    }

    [Fact]
    public void The_check_of_commands_rejects_an_unknown_option()
    {
        var root = new RootCommand();
        foreach (var verb in VerbRegistry.All) root.Subcommands.Add(verb);
        Assert.NotEmpty(root.Parse(["speed", "--metrics-uri", "http://0.0.0.0:8481"]).Errors);
        Assert.NotEmpty(root.Parse(["simulat", "--continuous"]).Errors);
    }

    [Fact]
    public void Every_RHYTHMIC_variable_of_the_image_and_the_services_is_a_configuration_key_the_program_accepts()
    {
        var imageEnv = DockerfileEnvironment(Repo.Read("docker/Dockerfile"));
        foreach (var (name, service) in RhythmicServices)
        {
            var env = new Dictionary<string, string>(imageEnv);
            foreach (var (k, v) in ComposeFile.EnvironmentOf(service)) env[k] = v;
            foreach (var key in env.Keys.Where(k => k.StartsWith("RHYTHMIC_", StringComparison.Ordinal) && !k.StartsWith(RhythmicConfiguration.EnvironmentPrefix, StringComparison.Ordinal)))
                Assert.True(ImageVariables.Contains(key), $"service {name}: {key} is neither a RHYTHMIC__Section__Key setting nor a variable the image reads ({string.Join(", ", ImageVariables)})");
            var error = Record.Exception(() => Bind(env));
            Assert.True(error is null, $"service {name}: {error?.Message}");
        }
    }

    [Fact]
    public void The_check_of_variables_rejects_a_misspelt_key()
    {
        var env = new Dictionary<string, string> { ["RHYTHMIC__KAFKA__BOOTSTRAPSERVER"] = "kafka:9092" };
        Assert.Contains("BOOTSTRAPSERVER", Assert.ThrowsAny<Exception>(() => Bind(env)).Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_topics_service_creates_exactly_the_platform_topics()
    {
        var topics = ComposeFile.EnvironmentOf(_compose.Service("topics"))["TOPICS"].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.Split(':')).ToList();
        Assert.Equal(Topics.All.Order(), topics.Select(t => t[0]).Order());
        Assert.All(topics, t => Assert.InRange(int.Parse(t[1], System.Globalization.CultureInfo.InvariantCulture), 1, 256));
    }

    [Fact]
    public void Only_the_dashboard_and_superset_are_published_and_on_the_loopback_by_default()
    {
        var published = _compose.Services.Where(s => s.Service["ports"] is not null).ToList();
        Assert.Equal(["serve", "superset"], published.Select(s => s.Name).Order());
        var defaults = ComposeFile.Load(_env.Values().Where(kv => kv.Key != "RHYTHMIC_BIND").ToDictionary());
        foreach (var (name, service) in published)
        {
            Assert.Equal("127.0.0.1", _env.Values()["RHYTHMIC_BIND"]);
            foreach (var port in ComposeFile.StringsOf(defaults.Service(name)["ports"]))
                Assert.StartsWith("127.0.0.1:", port);
        }
    }

    [Fact]
    public void The_consumers_scale_as_one_group_each_and_jobs_runs_two_servers()
    {
        foreach (var name in new[] { "simulate", "speed", "land", "jobs" })
        {
            var service = _compose.Service(name);
            Assert.Null(service["container_name"]); // a fixed name would forbid a second replica
            Assert.Null(service["ports"]);
            Assert.DoesNotContain(ComposeFile.EnvironmentOf(service).Keys, k => k.EndsWith("__CONSUMERGROUP", StringComparison.Ordinal));
        }
        Assert.Equal(2L, (long)_compose.Service("jobs")["deploy"]!["replicas"]!);
    }

    [Fact]
    public void The_three_broker_profile_replicates_three_times_with_two_in_sync()
    {
        foreach (var broker in new[] { "kafka-1", "kafka-2", "kafka-3" })
        {
            var env = ComposeFile.EnvironmentOf(_compose.Service(broker));
            Assert.Equal(["kafka3"], ComposeFile.StringsOf(_compose.Service(broker)["profiles"]));
            Assert.Equal("3", env["KAFKA_DEFAULT_REPLICATION_FACTOR"]);
            Assert.Equal("2", env["KAFKA_MIN_INSYNC_REPLICAS"]);
            Assert.Equal("3", env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]);
            Assert.Equal("broker,controller", env["KAFKA_PROCESS_ROLES"]);
        }
        Assert.Equal(["kafka1"], ComposeFile.StringsOf(_compose.Service("kafka")["profiles"]));
    }

    /// <summary>Variables the image's scripts read that are not settings (docker/entrypoint.sh, docker/healthcheck.sh).</summary>
    private static readonly HashSet<string> ImageVariables = ["RHYTHMIC_HOME", "RHYTHMIC_HEALTH_URL", "RHYTHMIC_SEED_PER_CONTAINER"];

    /// <summary>Loads appsettings.json with these RHYTHMIC__ variables over it, as the program does, and validates.</summary>
    private static RhythmicSettings Bind(IReadOnlyDictionary<string, string> env)
    {
        var overrides = env.Where(kv => kv.Key.StartsWith(RhythmicConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[RhythmicConfiguration.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        return RhythmicConfiguration.Bind(RhythmicConfiguration.Build(Repo.Root, overrides), Repo.Root);
    }

    /// <summary>The ENV instructions of a Dockerfile (KEY=VALUE pairs, continued lines joined).</summary>
    private static Dictionary<string, string> DockerfileEnvironment(string dockerfile)
    {
        var result = new Dictionary<string, string>();
        foreach (var instruction in dockerfile.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
            foreach (var pair in instruction[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                result[pair.Split('=', 2)[0]] = pair.Split('=', 2)[1];
        return result;
    }

    [GeneratedRegex(@"^COPY (?!--from)(?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyPattern();
}
