using System.Diagnostics;
using System.Text.Json;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Bench;

/// <summary>
/// Runs one statement in DuckDB (tools/duckdb/query.mjs) and returns its rows as JSON objects with the statement's time
/// (query.mjs times the statement up to its result being read into memory, not the printing of the rows).
/// </summary>
internal static class SpeedDuckDb
{
    public static async Task<(List<JsonElement> Rows, double ElapsedMs)> QueryAsync(string sql, CancellationToken ct)
    {
        var dir = Path.Combine(RhythmicConfiguration.FindHome(), "tools", "duckdb");
        var psi = new ProcessStartInfo("node", [Path.Combine(dir, "query.mjs"), "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir,
        };
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(sql);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"DuckDB failed: {await stderr}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = new List<JsonElement>(lines.Length - 1);
        for (var i = 0; i < lines.Length - 1; i++) rows.Add(JsonDocument.Parse(lines[i]).RootElement);
        return (rows, JsonDocument.Parse(lines[^1]).RootElement.GetProperty("__elapsed_ms").GetDouble());
    }
}
