using System.CommandLine;
using System.Globalization;
using Rhythmic.Bench;
using Rhythmic.Cli.Output;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench warehouse</c>: load rates and query times of the warehouse, DuckDB side by side.</summary>
internal static class BenchWarehouse
{
    public static Command Create()
    {
        var users = new Option<int>("--nusers") { Description = "Users simulated (100,000 for a month gives about 10 million events).", DefaultValueFactory = _ => 100_000 };
        var days = new Option<int>("--days") { Description = "Simulated days (the first two are loaded incrementally one by one, all by the full load, then the last reloaded).", DefaultValueFactory = _ => 31 };
        var loadsOnly = new Option<bool>("--loads-only") { Description = "Measure only the loads (two incremental days, the full load, a reload of the last day) and DuckDB's build (no queries): quicker, for tuning the loads." };
        var incrementalOnly = new Option<bool>("--incremental-only") { Description = "Measure only the incremental day loads (no full load, DuckDB or queries): quickest, for tuning them." };
        var keep = new Option<string?>("--keep") { Description = "Scratch directory to keep and reuse (the lake is simulated into it once; later runs only load): for tuning the loads." };
        var command = new Command("warehouse", "Warehouse: incremental and full load rates (events/s lake to facts), analysts' query times, DuckDB on the same Parquet side by side.");
        var json = TableOutput.JsonOption();
        command.Options.Add(json);
        command.Options.Add(users);
        command.Options.Add(days);
        command.Options.Add(loadsOnly);
        command.Options.Add(incrementalOnly);
        command.Options.Add(keep);
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(users);
            var d = parse.GetValue(days);
            var table = new TableOutput("measure", "events", "seconds", "events/s", "busy core-s (loader)", "events/s bound",
                "DuckDB s (busy core-s)", "PostgreSQL / DuckDB");
            var kept = parse.GetValue(keep);
            var scratch = kept is null ? Directory.CreateTempSubdirectory("rhythmic-bench-warehouse-").FullName : Directory.CreateDirectory(kept).FullName;
            try
            {
                await WarehouseBench.RunAsync(n, d, scratch, p => Console.Error.WriteLine($"... {p}"), l => table.Row(
                    (l.What), l.Events == 0 ? "" : l.Events.ToString("N0", CultureInfo.InvariantCulture),
                    l.Seconds.ToString("F3", CultureInfo.InvariantCulture),
                    l.Events == 0 ? "" : l.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                    l.Cpu is { } cpu ? string.Create(CultureInfo.InvariantCulture, $"{cpu.BusyCoreSeconds:F1} ({cpu.ProcessCpuSeconds:F1})") : "",
                    l.Cpu is { } bound && l.Events > 0 ? bound.BoundEventsPerSecond(l.Events).ToString("N0", CultureInfo.InvariantCulture) : "",
                    l.DuckDbSeconds is not { } duck ? ""
                        : l.DuckDbCpu is { } duckCpu ? string.Create(CultureInfo.InvariantCulture, $"{duck:F3} ({duckCpu.BusyCoreSeconds:F1})")
                        : duck.ToString("F3", CultureInfo.InvariantCulture),
                    l.DuckDbSeconds is { } s ? (l.Seconds / s).ToString("F2", CultureInfo.InvariantCulture) : ""), ct, parse.GetValue(loadsOnly), parse.GetValue(incrementalOnly));
            }
            finally
            {
                if (kept is null) try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            var mode = TableOutput.ModeOf(parse.GetValue(json));
            table.Write(mode);
            var notes = mode == OutputMode.Json ? Console.Error : Console.Out; // stdout holds the JSON alone
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"command: rhythmic bench warehouse --nusers {n} --days {d}   ({Environment.ProcessorCount} cores; query times: median of 5 in PostgreSQL, DuckDB's 3rd run; DuckDB load includes node start-up)"));
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"busy core-s: the machine's busy core-seconds during the load (/proc/stat; every process, PostgreSQL's included), the loader's own CPU in parentheses; events/s bound: the rate if that work kept all {Environment.ProcessorCount} cores busy, which no scheduling of it can beat"));
            return 0;
        });
        return command;
    }
}
