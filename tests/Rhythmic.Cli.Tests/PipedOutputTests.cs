using System.Diagnostics;
using System.Text.Json;
using Rhythmic.Core;
using Rhythmic.Orchestration;
using Rhythmic.Testing;

namespace Rhythmic.Cli.Tests;

/// <summary>
/// The real <c>rhythmic</c> program with its stdout a pipe, as in <c>./rhythmic jobs list | grep incremental-load</c>:
/// plain whole lines, no escape codes; <c>--json</c> for scripts; <c>infra psql</c> with the platform's credentials.
/// </summary>
public sealed class PipedOutputTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("rhythmic-cli-piped-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private async Task<string> UseNewDatabaseAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var reader = await TestPostgres.ReaderConnectionStringAsync(cs);
        File.WriteAllText(Path.Combine(_home, "appsettings.json"), JsonSerializer.Serialize(new { Postgres = new { ConnectionString = cs, ReaderConnectionString = reader } }));
        return cs;
    }

    /// <summary>Runs rhythmic.dll (built next to the tests) with stdout and stderr redirected.</summary>
    private async Task<(int Exit, string Out, string Err)> RunAsync(IDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "rhythmic.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = _home,
        };
        psi.Environment["RHYTHMIC_HOME"] = _home;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RunAsync(null, args);

    [Fact]
    public async Task Jobs_list_into_a_pipe_prints_each_job_on_one_plain_line()
    {
        await UseNewDatabaseAsync();
        var (exit, output, err) = await RunAsync("jobs", "list");
        Assert.True(exit == 0, err);
        Assert.DoesNotContain('\u001b', output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("job ", lines[0]);
        Assert.Equal(JobNames.All.Count + 1, lines.Length); // a header and a line per job: nothing folded
        foreach (var job in JobNames.All) Assert.Single(lines, l => l.StartsWith(job + " ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(JobNames.IncrementalLoad + " ", StringComparison.Ordinal) && l.Contains("never"));
    }

    [Fact]
    public async Task Jobs_history_into_a_pipe_keeps_a_long_error_on_its_runs_line()
    {
        var cs = await UseNewDatabaseAsync();
        var error = "the lake file raw/listen_events/2026/03/02/10/part-0001.parquet is missing " + new string('x', 150) + " (end)";
        await TestPostgres.ExecAsync(cs, $"""
            insert into ops.job_runs (job, trigger, instance_id, fire_instance_id, status, ended_at, error)
            values ('incremental-load', 'schedule', 'node-a', 'f1', 'failed', now(), '{error}')
            """);
        var (exit, output, err) = await RunAsync("jobs", "history");
        Assert.True(exit == 0, err);
        Assert.DoesNotContain('\u001b', output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("incremental-load", lines[1]);
        Assert.EndsWith(error, lines[1]);
    }

    [Fact]
    public async Task Jobs_list_and_history_take_json()
    {
        var cs = await UseNewDatabaseAsync();
        await TestPostgres.ExecAsync(cs, """
            insert into ops.job_runs (job, trigger, instance_id, fire_instance_id, status, ended_at, rows, hours)
            values ('full-load', 'startup', 'node-a', 'f1', 'succeeded', now(), 42, array['2026-03-02 10:00+00', '2026-03-02 11:00+00']::timestamptz[])
            """);
        var (exit, output, err) = await RunAsync("jobs", "list", "--json");
        Assert.True(exit == 0, err);
        using (var jobs = JsonDocument.Parse(output))
        {
            Assert.Equal(JobNames.All, jobs.RootElement.EnumerateArray().Select(j => j.GetProperty("job").GetString()!));
            var full = jobs.RootElement.EnumerateArray().Single(j => j.GetProperty("job").GetString() == JobNames.FullLoad);
            Assert.Equal("succeeded", full.GetProperty("status").GetString());
            Assert.Equal(42, full.GetProperty("rows").GetInt64());
        }
        (exit, output, err) = await RunAsync("jobs", "history", "--json");
        Assert.True(exit == 0, err);
        using var runs = JsonDocument.Parse(output);
        var run = runs.RootElement.EnumerateArray().Single();
        Assert.Equal(2, run.GetProperty("hours").GetArrayLength());
        Assert.Equal("startup", run.GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task Jobs_trigger_wait_prints_the_run_a_jobs_run_server_made_of_it()
    {
        var cs = await UseNewDatabaseAsync();
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "rhythmic.dll"), "jobs", "run"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = _home,
        };
        psi.Environment["RHYTHMIC_HOME"] = _home;
        using var server = Process.Start(psi)!;
        var serverOut = server.StandardError.ReadToEndAsync();
        _ = server.StandardOutput.ReadToEndAsync();
        try
        {
            var (exit, output, err) = await RunAsync("jobs", "trigger", JobNames.Maintenance, "--wait");
            Assert.True(exit == 0, err + output);
            Assert.Matches(@"Queued maintenance as Hangfire job \d+\.", output);
            Assert.Contains("maintenance: succeeded", output);
            (exit, output, err) = await RunAsync("jobs", "history", "--json");
            Assert.True(exit == 0, err);
            using var runs = JsonDocument.Parse(output);
            var run = runs.RootElement.EnumerateArray().Single(r => r.GetProperty("job").GetString() == JobNames.Maintenance);
            Assert.Equal("manual", run.GetProperty("trigger").GetString());
            Assert.True(await TestPostgres.ScalarAsync<long>(cs, "select count(*) from hangfire.job where statename = 'Succeeded'") >= 1);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Infra_show_prints_key_value_lines_or_json()
    {
        var (exit, output, err) = await RunAsync("infra", "show");
        Assert.True(exit == 0, err);
        var pairs = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(_home, pairs["home"]);
        Assert.Equal(Path.Combine(_home, ".local/pg-secrets"), pairs["postgres.secrets"]);
        (exit, output, err) = await RunAsync("infra", "show", "--json");
        Assert.True(exit == 0, err);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(pairs["serving.url"], json.RootElement.GetProperty("serving.url").GetString());
    }

    [Fact]
    public async Task Infra_psql_connects_as_the_owner_or_the_reader_and_passes_arguments_through()
    {
        await UseNewDatabaseAsync();
        var (exit, output, err) = await RunAsync("infra", "psql", "-At", "-c", "select current_user");
        Assert.True(exit == 0, err);
        Assert.Equal(EmbeddedPostgres.SuperUser, output.Trim());
        (exit, output, err) = await RunAsync("infra", "psql", "--reader", "-At", "-c", "select current_user");
        Assert.True(exit == 0, err);
        Assert.Equal(EmbeddedPostgres.ReaderRole, output.Trim());
        (exit, _, err) = await RunAsync("infra", "psql", "--reader", "-v", "ON_ERROR_STOP=1", "-c", "set default_transaction_read_only = off", "-c", "delete from ops.job_runs");
        Assert.NotEqual(0, exit);
        Assert.Contains("permission denied", err);
    }

    /// <summary>The whole embedded path on a port of its own: first start makes the passwords, psql needs them.</summary>
    [Fact]
    public async Task An_embedded_cluster_started_by_the_cli_refuses_psql_without_its_password()
    {
        var port = EmbeddedPostgres.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string> { ["RHYTHMIC__POSTGRES__PORT"] = port };
        try
        {
            var (exit, _, err) = await RunAsync(env, "infra", "migrate");
            Assert.True(exit == 0, err);
            Assert.True(File.Exists(Path.Combine(_home, ".local/pg-secrets/rhythmic.password")));

            var bare = new ProcessStartInfo("psql", ["-h", "127.0.0.1", "-p", port, "-U", EmbeddedPostgres.SuperUser, "-d", "rhythmic", "-w", "-c", "select 1"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            bare.Environment.Remove("PGPASSWORD");
            bare.Environment["PGPASSFILE"] = "/dev/null";
            using (var psql = Process.Start(bare)!)
            {
                var refused = await psql.StandardError.ReadToEndAsync();
                await psql.WaitForExitAsync();
                Assert.NotEqual(0, psql.ExitCode);
                Assert.Contains("no password supplied", refused);
            }

            (exit, var output, err) = await RunAsync(env, "infra", "psql", "--reader", "-At", "-c", "select count(*) from ops.job_runs");
            Assert.True(exit == 0, err);
            Assert.Equal("0", output.Trim());
        }
        finally
        {
            await RunAsync(env, "infra", "pg", "stop");
        }
    }
}
