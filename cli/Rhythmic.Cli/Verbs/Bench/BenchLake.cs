using System.CommandLine;
using System.Globalization;
using Rhythmic.Bench;
using Rhythmic.Cli.Output;

namespace Rhythmic.Cli.Verbs;

/// <summary>
/// <c>rhythmic bench lake</c>: Parquet write/read throughput of listen events on one core with DuckDB side by side, and
/// the replay figure (a simulated week produced into a fresh embedded Kafka and landed by one lander).
/// </summary>
internal static class BenchLake
{
    public static Command Create()
    {
        var defaults = new LakeReplayOptions();
        var events = new Option<int>("--events") { Description = "Listen events written and read by the Parquet figures.", DefaultValueFactory = _ => 1_000_000 };
        var users = new Option<int>("--nusers") { Description = "Users simulated for the replay figure.", DefaultValueFactory = _ => defaults.Users };
        var days = new Option<double>("--days") { Description = "Days of history replayed (ending one hour before a fixed midnight).", DefaultValueFactory = _ => defaults.Days };
        var seed = new Option<long>("--seed") { Description = "The simulator's seed for the replay figure.", DefaultValueFactory = _ => defaults.Seed };
        var partitions = new Option<int>("--partitions") { Description = "Partitions per topic of the replay's embedded Kafka.", DefaultValueFactory = _ => defaults.Partitions };
        var lead = new Option<double>("--max-lead-mb")
        {
            Description = "How many MB the producer may run ahead of the lander on a partition; 0 (the default): unpaced, as `rhythmic simulate` replays history.",
            DefaultValueFactory = _ => defaults.MaxLeadBytes / 1e6,
        };
        lead.Validators.Add(r => { if (r.GetValue(lead) < 0) r.AddError("--max-lead-mb must be 0 or more."); });
        var only = new Option<string>("--only") { Description = "Run only 'parquet' or 'replay' (default: both).", DefaultValueFactory = _ => "parquet,replay" };
        only.Validators.Add(r =>
        {
            if (r.GetValue(only)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(w => w is not ("parquet" or "replay")))
                r.AddError("--only takes 'parquet', 'replay' or both, e.g. 'replay'.");
        });
        users.Validators.Add(r => { if (r.GetValue(users) < 1) r.AddError("--nusers must be at least 1."); });
        days.Validators.Add(r => { if (r.GetValue(days) <= 0) r.AddError("--days must be more than 0."); });
        partitions.Validators.Add(r => { if (r.GetValue(partitions) is < 1 or > 256) r.AddError("--partitions must be from 1 to 256."); });
        var json = TableOutput.JsonOption();
        var command = new Command("lake", "Lake throughput: listen events to Parquet (Snappy) and back on one core with DuckDB (one thread) side by side; " +
            "and a replay: a simulated week produced into a fresh embedded Kafka and landed by one lander (events landed per second, checked by DuckDB).");
        foreach (var o in new Option[] { events, users, days, seed, partitions, lead, only, json }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var figures = parse.GetValue(only)!.Split(',', StringSplitOptions.TrimEntries);
            var mode = TableOutput.ModeOf(parse.GetValue(json));
            var notes = mode == OutputMode.Json ? Console.Error : Console.Out; // stdout holds the JSON alone
            if (figures.Contains("parquet")) await ParquetAsync(parse.GetValue(events), mode, notes, ct);
            if (figures.Contains("replay"))
            {
                var o = new LakeReplayOptions { Users = parse.GetValue(users), Days = parse.GetValue(days), Seed = parse.GetValue(seed), Partitions = parse.GetValue(partitions),
                    MaxLeadBytes = (long)(parse.GetValue(lead) * 1e6) };
                await ReplayAsync(o, mode, notes, ct);
            }
            return 0;
        });
        return command;
    }

    private static async Task ParquetAsync(int n, OutputMode mode, TextWriter notes, CancellationToken ct)
    {
        var scratch = Directory.CreateTempSubdirectory("rhythmic-bench-lake-").FullName;
        try
        {
            var (results, jsonMb, parquetMb) = await LakeBench.RunAsync(n, scratch, ct);
            var table = new TableOutput("engine", "what", "rows", "seconds", "rows/s", "MB/s");
            foreach (var r in results)
                table.Row(r.Engine, r.What, r.Rows.ToString("N0", CultureInfo.InvariantCulture), r.Seconds.ToString("F3", CultureInfo.InvariantCulture),
                    r.RowsPerSecond.ToString("N0", CultureInfo.InvariantCulture), r.MegabytesPerSecond.ToString("F0", CultureInfo.InvariantCulture));
            table.Write(mode);
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"JSON {jsonMb:F1} MB -> our Parquet {parquetMb:F1} MB (ratio {jsonMb / parquetMb:F1}x). MB/s of writes count JSON bytes, of reads Parquet bytes."));
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture, $"command: rhythmic bench lake --only parquet --events {n}   (one core for ours, DUCKDB_THREADS=1 for DuckDB)"));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task ReplayAsync(LakeReplayOptions o, OutputMode mode, TextWriter notes, CancellationToken ct)
    {
        var scratch = Directory.CreateTempSubdirectory("rhythmic-bench-replay-").FullName;
        try
        {
            using var ctx = CliContext.Load();
            var r = await LakeReplayBench.RunAsync(o, scratch, m => Console.Error.WriteLine($"... {m}"), ctx.Logger("Rhythmic.Lake.Lander"), ct);
            string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
            new TableOutput("replay", "result")
                .Row("events produced", TableOutput.Shown(r.Produced, Invariant($"{r.Produced:N0}")))
                .Row("events landed (DuckDB, per topic = simulator)", TableOutput.Shown(r.Landed, Invariant($"{r.Landed:N0}")))
                .Row("landed per topic (DuckDB)", string.Join(", ", r.PerTopic.Select(p => Invariant($"{p.Key} {p.Value.Landed:N0}"))))
                .Row("seconds, first produce to all landed", TableOutput.Shown(r.Seconds, Invariant($"{r.Seconds:F2}")))
                .Row("seconds, first produce to all read (then the lander is stopped: it lands what it holds)", TableOutput.Shown(r.ReadSeconds, Invariant($"{r.ReadSeconds:F2}")))
                .Row("landed events/s", TableOutput.Shown(r.EventsPerSecond, Invariant($"{r.EventsPerSecond:N0}")))
                .Row("files / manifest transactions", Invariant($"{r.Files:N0} / {r.Commits:N0}"))
                .Row("producer waited for the lander, s", TableOutput.Shown(r.ProducerWaitSeconds, Invariant($"{r.ProducerWaitSeconds:F2}")))
                .Write(mode);
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"command: rhythmic bench lake --only replay --nusers {o.Users} --days {o.Days} --seed {o.Seed} --partitions {o.Partitions} --max-lead-mb {o.MaxLeadBytes / 1e6}   ({Environment.ProcessorCount} cores; one lander with the default Lander settings, a private PostgreSQL, the embedded mock Kafka with 1 broker keeping {o.RetentionBytes >> 20} MB per partition)"));
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
