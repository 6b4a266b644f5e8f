using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Rhythmic.Deployment.Tests;

/// <summary>docker/Dockerfile and the scripts it puts in the image.</summary>
public sealed partial class DockerImageTests
{
    private static readonly string Dockerfile = Repo.Read("docker/Dockerfile");

    [Fact]
    public void The_image_builds_librdkafka_with_the_script_setup_runs_and_the_patch_it_copies()
    {
        Assert.Contains("RUN tools/librdkafka/build.sh", Dockerfile);
        Assert.Contains("COPY core/Rhythmic.Core/Kafka/librdkafka-mock-retention.patch", Dockerfile);
        Assert.Contains("tools/librdkafka/build.sh", Repo.Read("setup.sh"));
    }

    [Fact]
    public void The_build_and_runtime_stages_share_one_distribution_and_the_runtime_runs_as_a_non_root_user_with_a_health_check()
    {
        var bases = FromPattern().Matches(Dockerfile).Select(m => m.Groups["image"].Value).ToList();
        Assert.Equal(2, bases.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", bases[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", bases[1]);
        Assert.Equal(bases[0].Split('-', 2)[1], bases[1].Split('-', 2)[1]); // e.g. noble: librdkafka links the runtime's OpenSSL
        var runtime = Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        Assert.Matches(@"\nUSER \$APP_UID\n", runtime);
        Assert.Matches(@"\nHEALTHCHECK .*healthcheck\.sh", runtime);
        Assert.Contains("ENTRYPOINT [\"entrypoint.sh\"]", runtime);
    }

    [Theory]
    [InlineData(200, 0)]
    [InlineData(503, 1)]
    public async Task The_health_check_passes_on_200_and_fails_otherwise(int status, int expectedExit)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0) break;
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Whatever\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            return request.ToString();
        });
        var (exit, _, _) = Repo.Run("bash", [Repo.PathOf("docker/healthcheck.sh")],
            new Dictionary<string, string?> { ["RHYTHMIC_HEALTH_URL"] = $"http://127.0.0.1:{port}/health" });
        Assert.Equal(expectedExit, exit);
        Assert.StartsWith("GET /health HTTP/1.0\r\n", await server);
    }

    [Fact]
    public void The_health_check_fails_when_nothing_listens()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (exit, _, _) = Repo.Run("bash", [Repo.PathOf("docker/healthcheck.sh")],
            new Dictionary<string, string?> { ["RHYTHMIC_HEALTH_URL"] = $"http://127.0.0.1:{port}/metrics" });
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void Every_script_of_the_image_and_the_stack_is_committed_executable()
    {
        // COPY keeps the mode of the checkout: the entry point and the health check must run as they are.
        var (exit, stdout, err) = Repo.Run("git", ["-C", Repo.Root, "ls-files", "-s", "--", "docker", "tools/librdkafka", "tools/compose-spec"]);
        Assert.True(exit == 0, err);
        var scripts = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(p => p[1].EndsWith(".sh", StringComparison.Ordinal)).ToList();
        Assert.Contains(scripts, p => p[1] == "docker/entrypoint.sh");
        Assert.All(scripts, p => Assert.True(p[0].StartsWith("100755", StringComparison.Ordinal), $"{p[1]} is not committed executable ({p[0].Split(' ')[0]})"));
    }

    [GeneratedRegex(@"^FROM (?<image>\S+)", RegexOptions.Multiline)]
    private static partial Regex FromPattern();
}
