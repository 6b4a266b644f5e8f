using System.CommandLine;
using System.Globalization;
using Rhythmic.Bench;
using Rhythmic.Cli.Output;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench lake</c>: Parquet write/read throughput of listen events on one core, and DuckDB side by side.</summary>
internal static class BenchLake
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Listen events written and read.", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("lake", "Lake throughput: listen events to Parquet (Snappy) and back on one core, compression against the JSON, DuckDB (one thread) side by side.");
        var json = TableOutput.JsonOption();
        command.Options.Add(json);
        command.Options.Add(events);
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(events);
            var scratch = Directory.CreateTempSubdirectory("rhythmic-bench-lake-").FullName;
            try
            {
                var (results, jsonMb, parquetMb) = await LakeBench.RunAsync(n, scratch, ct);
                var table = new TableOutput("engine", "what", "rows", "seconds", "rows/s", "MB/s");
                foreach (var r in results)
                    table.Row(r.Engine, r.What, r.Rows.ToString("N0", CultureInfo.InvariantCulture), r.Seconds.ToString("F3", CultureInfo.InvariantCulture),
                        r.RowsPerSecond.ToString("N0", CultureInfo.InvariantCulture), r.MegabytesPerSecond.ToString("F0", CultureInfo.InvariantCulture));
                var mode = TableOutput.ModeOf(parse.GetValue(json));
                table.Write(mode);
                var notes = mode == OutputMode.Json ? Console.Error : Console.Out; // stdout holds the JSON alone
                notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"JSON {jsonMb:F1} MB -> our Parquet {parquetMb:F1} MB (ratio {jsonMb / parquetMb:F1}x). MB/s of writes count JSON bytes, of reads Parquet bytes."));
                notes.WriteLine(string.Create(CultureInfo.InvariantCulture, $"command: rhythmic bench lake --events {n}   (one core for ours, DUCKDB_THREADS=1 for DuckDB)"));
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
            return 0;
        });
        return command;
    }
}
