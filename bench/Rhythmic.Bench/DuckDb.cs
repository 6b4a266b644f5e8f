using System.Diagnostics;
using System.Text.Json;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Bench;

/// <summary>
/// DuckDB (npm @duckdb/node-api, run through tools/duckdb/query.mjs), the peer the benchmarks measure against:
/// runs statements in one in-memory database and returns the last one's rows, its time (query.mjs times it up to its
/// result being in memory, not the printing) and the wall time of the whole run (node start-up included).
/// </summary>
internal static class DuckDb
{
    public sealed record Result(List<JsonElement> Rows, double LastStatementMs, double WallSeconds);

    public static async Task<Result> RunAsync(IEnumerable<string> statements, CancellationToken ct, int? threads = null)
    {
        var dir = Path.Combine(RhythmicConfiguration.FindHome(), "tools", "duckdb");
        var psi = new ProcessStartInfo("node", [Path.Combine(dir, "query.mjs"), "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir,
        };
        if (threads is { } n) psi.Environment["DUCKDB_THREADS"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(string.Join("\n;;\n", statements));
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var wall = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"DuckDB failed: {await stderr}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = new List<JsonElement>(lines.Length - 1);
        for (var i = 0; i < lines.Length - 1; i++) rows.Add(JsonDocument.Parse(lines[i]).RootElement);
        return new Result(rows, JsonDocument.Parse(lines[^1]).RootElement.GetProperty("__elapsed_ms").GetDouble(), wall);
    }
}
