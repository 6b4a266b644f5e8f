using System.Diagnostics;
using System.Text.Json;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Testing;

/// <summary>
/// DuckDB (npm @duckdb/node-api, installed by setup.sh into tools/duckdb) as an independent reference engine:
/// runs SQL and returns the rows of the last statement as JSON objects.
/// </summary>
public static class DuckDb
{
    /// <summary>The folder holding query.mjs and node_modules.</summary>
    public static string ToolDir { get; } = Path.Combine(RhythmicConfiguration.FindHome(), "tools", "duckdb");

    /// <summary>Runs <paramref name="statements"/> in one in-memory database and returns the last one's rows and its time.</summary>
    public static async Task<(IReadOnlyList<JsonElement> Rows, double ElapsedMs)> QueryAsync(params string[] statements)
    {
        if (!Directory.Exists(Path.Combine(ToolDir, "node_modules", "@duckdb")))
            throw new InvalidOperationException($"DuckDB is not installed in {ToolDir}; run ./setup.sh.");
        var psi = new ProcessStartInfo("node", [Path.Combine(ToolDir, "query.mjs"), "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ToolDir,
        };
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(string.Join("\n;;\n", statements));
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"DuckDB failed: {await stderr}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var elapsed = lines[^1].GetProperty("__elapsed_ms").GetDouble();
        return (lines[..^1], elapsed);
    }
}
