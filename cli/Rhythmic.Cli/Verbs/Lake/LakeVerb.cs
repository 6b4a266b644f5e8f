using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rhythmic.Core;
using Rhythmic.Lake;
using Rhythmic.Lake.Identity;
using Rhythmic.Lake.Storage;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic lake verify [--root DIR] [--json] [--forget-missing]</c>: checks a lake against its manifest, both ways.</summary>
internal static class LakeVerb
{
    /// <summary>The exit code of a verify that found problems (0: clean; 1: could not verify).</summary>
    public const int NotClean = 3;

    public static Command Create()
    {
        var command = new Command("lake", "Inspect the lake's files and manifest.");
        command.Subcommands.Add(Verify());
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("rhythmic lake: name what to do: verify.");
            return 1;
        });
        return command;
    }

    private static Command Verify()
    {
        var root = new Option<string?>("--root")
        {
            Description = "Verify the lake in DIR against its own manifest (a backfill's: simulate --lake DIR) instead of the platform's Lake:Root.",
        };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object, for scripts." };
        var forget = new Option<bool>("--forget-missing")
        {
            Description = "Remove the platform manifest's rows of files missing from the lake (then run `rhythmic load full`).",
        };
        var command = new Command("verify",
            $"Check the manifest against the files: recorded but missing, present but unrecorded, unreadable (footer or row count). Exit 0 when clean, {NotClean} when not.");
        command.Options.Add(root);
        command.Options.Add(json);
        command.Options.Add(forget);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(root), parse.GetValue(json), parse.GetValue(forget), ct));
        return command;
    }

    private static async Task<int> RunAsync(string? rootOption, bool json, bool forgetMissing, CancellationToken invocation)
    {
        using var ctx = CliContext.Load();
        var ct = CliContext.ShutdownToken(invocation);
        var platformRoot = ctx.Settings.PathOf(ctx.Settings.Lake.Root);
        var dir = string.IsNullOrWhiteSpace(rootOption) ? platformRoot : ctx.Settings.PathOf(rootOption);
        if (!LakeRootBinding.SameDirectory(dir, platformRoot))
        {
            if (!Directory.Exists(dir)) throw new RhythmicException($"{LakeRootBinding.Normalize(dir)} does not exist: name a lake directory with --root.");
            if (forgetMissing) throw new RhythmicException("--forget-missing repairs the platform's manifest only: leave out --root (a backfilled directory can simply be written again).");
            var storage = new LocalLakeStorage(dir);
            if (LakeMarker.Read(storage) is { Manifest: LakeManifestKind.Postgres } marker)
                throw new LakeRootMismatchException(
                    $"{LakeRootBinding.Normalize(dir)} is a platform's lake (lake {marker.LakeId}) whose manifest is in PostgreSQL, not this platform's Lake:Root: " +
                    "verify it with `rhythmic lake verify` where Lake:Root names it.");
            return Print(LakeVerifier.Verify(storage, ct), json, forgotten: null);
        }

        var startedPg = await ctx.PrepareDatabaseAsync(ctx.Logger("Rhythmic.Lake"), ct);
        try
        {
            var storage = new LocalLakeStorage(platformRoot);
            var manifest = new LakeManifest(ctx.DataSource);
            var report = await LakeVerifier.VerifyAsync(manifest, storage, ct);
            int? forgotten = null;
            if (forgetMissing && report.Missing.Count > 0)
            {
                forgotten = await LakeVerifier.ForgetMissingAsync(manifest, storage, report.Missing.Select(m => m.Path), ct);
                report = await LakeVerifier.VerifyAsync(manifest, storage, ct);
            }
            return Print(report, json, forgotten);
        }
        finally
        {
            if (startedPg is not null) await startedPg.StopAsync(CancellationToken.None);
        }
    }

    private static int Print(LakeVerifyReport report, bool json, int? forgotten)
    {
        if (json) PrintJson(report, forgotten);
        else PrintLines(report, forgotten);
        return report.Clean ? 0 : NotClean;
    }

    /// <summary>Plain lines, one per finding, then hints and the summary as the last line; no colours, no wrapping.</summary>
    private static void PrintLines(LakeVerifyReport r, int? forgotten)
    {
        var o = Console.Out;
        if (forgotten is { } n) o.WriteLine(Invariant($"forgot {n} manifest row(s) of missing files: run `rhythmic load full` so the warehouse no longer holds their events"));
        foreach (var m in r.Missing) o.WriteLine(Invariant($"missing     {m.Path} ({m.RecordedRows:N0} rows recorded)"));
        foreach (var u in r.Unreadable) o.WriteLine($"unreadable  {u.Path}: {u.Reason}");
        foreach (var u in r.Unrecorded) o.WriteLine($"unrecorded  {u}");
        foreach (var t in r.Temporary) o.WriteLine($"temporary   {t}");
        var platform = r.Manifest == LakeManifestKind.Postgres;
        if (r.Missing.Count > 0)
            o.WriteLine(platform
                ? "hint: restore the missing files into the lake, or remove their rows with `rhythmic lake verify --forget-missing` and run `rhythmic load full`"
                : "hint: restore the missing files into the lake, or backfill a new directory again (`rhythmic simulate --lake NEWDIR`)");
        if (r.Unreadable.Count > 0)
            o.WriteLine(platform
                ? "hint: restore the unreadable files from a copy, or move them out of the lake and run `rhythmic lake verify --forget-missing`"
                : "hint: restore the unreadable files from a copy, or backfill a new directory again (`rhythmic simulate --lake NEWDIR`)");
        if (r.Unrecorded.Count > 0)
            o.WriteLine("hint: unrecorded files are not part of the lake and no load reads them; a lander removes its own leftovers when it next takes their partition, others can be deleted");
        if (r.Temporary.Count > 0)
            o.WriteLine("note: temporary files are a running lander's or backfill's, or left by one that stopped (a lander removes its own when it next takes their partition)");
        o.WriteLine(Invariant(
            $"lake {r.Root} (lake {r.LakeId}, manifest {r.ManifestLocation}): {(r.Clean ? "clean" : "NOT clean")}; {r.Recorded:N0} files recorded ({r.RecordedRows:N0} rows); {r.Missing.Count} missing, {r.Unrecorded.Count} unrecorded, {r.Unreadable.Count} unreadable, {r.Temporary.Count} temporary"));
    }

    private static void PrintJson(LakeVerifyReport r, int? forgotten)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("root", r.Root);
            w.WriteString("lakeId", r.LakeId);
            w.WriteString("manifest", r.Manifest == LakeManifestKind.Postgres ? "postgres" : "file");
            w.WriteString("manifestLocation", r.ManifestLocation);
            w.WriteBoolean("clean", r.Clean);
            w.WriteNumber("recorded", r.Recorded);
            w.WriteNumber("recordedRows", r.RecordedRows);
            if (forgotten is { } n) w.WriteNumber("forgotten", n);
            Problems(w, "missing", r.Missing);
            Problems(w, "unreadable", r.Unreadable);
            Paths(w, "unrecorded", r.Unrecorded);
            Paths(w, "temporary", r.Temporary);
            w.WriteEndObject();
        }
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void Problems(Utf8JsonWriter w, string name, IReadOnlyList<LakeFileProblem> problems)
    {
        w.WriteStartArray(name);
        foreach (var p in problems)
        {
            w.WriteStartObject();
            w.WriteString("path", p.Path);
            w.WriteNumber("recordedRows", p.RecordedRows);
            w.WriteString("reason", p.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Paths(Utf8JsonWriter w, string name, IReadOnlyList<string> paths)
    {
        w.WriteStartArray(name);
        foreach (var p in paths) w.WriteStringValue(p);
        w.WriteEndArray();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
