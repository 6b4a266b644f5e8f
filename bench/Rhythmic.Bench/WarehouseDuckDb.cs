using System.Diagnostics;
using System.Text.Json;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Bench;

/// <summary>
/// Runs statements in DuckDB (tools/duckdb/query.mjs, as tests/Rhythmic.Testing's DuckDb does; the bench project does
/// not reference the test fixtures): the wall time of the whole run and the time of its last statement.
/// </summary>
internal static class WarehouseDuckDb
{
    public static async Task<(double WallSeconds, double LastStatementMs)> RunAsync(IEnumerable<string> statements, CancellationToken ct)
    {
        var dir = Path.Combine(RhythmicConfiguration.FindHome(), "tools", "duckdb");
        var psi = new ProcessStartInfo("node", [Path.Combine(dir, "query.mjs"), "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir,
        };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(string.Join("\n;;\n", statements));
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var wall = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"DuckDB failed: {await stderr}");
        var last = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return (wall, JsonDocument.Parse(last).RootElement.GetProperty("__elapsed_ms").GetDouble());
    }
}
