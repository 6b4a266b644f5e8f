using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Cli.Output;
using Rhythmic.Core;
using Rhythmic.Platform;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Kafka;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic infra</c>: the embedded infrastructure on its own (PostgreSQL cluster, Kafka mock cluster, migrations).</summary>
internal static class InfraVerb
{
    public static Command Create()
    {
        var command = new Command("infra", "Run or manage the embedded infrastructure.");
        command.Subcommands.Add(Kafka());
        command.Subcommands.Add(Pg());
        command.Subcommands.Add(Migrate());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Psql());
        return command;
    }

    private static Command Show()
    {
        var json = TableOutput.JsonOption();
        var command = new Command("show", "Print where the configured platform lives (key=value lines, for scripts; --json for one JSON object).");
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            using var ctx = CliContext.Load();
            var s = ctx.Settings;
            // startup.sh reads these key=value lines: keep the keys (new ones may be added).
            var where = new List<(string Key, string Value)>
            {
                ("home", s.Home),
                ("serving.url", s.Serving.Urls.Split(';')[0]),
                ("postgres", s.Postgres.IsEmbedded ? $"embedded 127.0.0.1:{s.Postgres.Port} ({s.PathOf(s.Postgres.DataDir)})" : "configured"),
            };
            if (s.Postgres.IsEmbedded) where.Add(("postgres.secrets", s.Postgres.SecretsDir));
            where.Add(("kafka", s.Kafka.IsEmbedded ? "embedded" : s.Kafka.BootstrapServers));
            where.Add(("lake", s.PathOf(s.Lake.Root)));
            where.Add(("run", s.PathOf(s.RunDir)));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(where.ToDictionary(w => w.Key, w => w.Value), new JsonSerializerOptions { WriteIndented = true }));
            else
                foreach (var (key, value) in where) Console.WriteLine($"{key}={value}");
            return 0;
        });
        return command;
    }

    private static Command Psql()
    {
        var reader = new Option<bool>("--reader") { Description = "Connect as the read-only role (what the serving API reads as) instead of the owner." };
        var command = new ForegroundChildCommand("psql", "Open psql on the platform's database with its credentials (given to psql in its environment, never on the command line); other arguments go to psql, e.g. -c 'select 1'.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(reader);
        command.SetAction(async (parse, ct) =>
        {
            using var ctx = CliContext.Load();
            var s = ctx.Settings.Postgres;
            var cs = new NpgsqlConnectionStringBuilder(parse.GetValue(reader) ? s.EffectiveReaderConnectionString : s.EffectiveConnectionString);
            var psi = new ProcessStartInfo(PsqlPath(s), parse.UnmatchedTokens) { UseShellExecute = false };
            foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGSSLMODE", "PGOPTIONS" })
                psi.Environment.Remove(name);
            SetIf(psi, "PGHOST", cs.Host);
            SetIf(psi, "PGPORT", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            SetIf(psi, "PGUSER", cs.Username);
            SetIf(psi, "PGDATABASE", cs.Database);
            SetIf(psi, "PGPASSWORD", cs.Password);
            if (cs.SslMode != SslMode.Prefer) SetIf(psi, "PGSSLMODE", cs.SslMode.ToString().ToLowerInvariant().Replace("verifyca", "verify-ca").Replace("verifyfull", "verify-full"));
            SetIf(psi, "PGAPPNAME", "rhythmic infra psql");
            // psql handles Ctrl-C itself (it cancels the running query): we wait for it instead of dying under it.
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
            using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => c.Cancel = true);
            Process psql;
            try { psql = Process.Start(psi)!; }
            catch (System.ComponentModel.Win32Exception e) { throw new RhythmicException($"Could not run {psi.FileName}: {e.Message} (install the postgresql client: ./setup.sh)."); }
            using (psql)
            {
                await psql.WaitForExitAsync(CancellationToken.None);
                return psql.ExitCode;
            }
        });
        return command;
    }

    private static void SetIf(ProcessStartInfo psi, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) psi.Environment[name] = value;
    }

    /// <summary>The psql of the embedded cluster's PostgreSQL when there is one (same version), else psql on the PATH.</summary>
    private static string PsqlPath(PostgresSettings s)
    {
        try
        {
            var bin = string.IsNullOrWhiteSpace(s.BinDir) ? EmbeddedPostgres.FindBinDir() : s.BinDir;
            var psql = Path.Combine(bin, "psql");
            if (File.Exists(psql)) return psql;
        }
        catch (RhythmicException) { }
        return "psql";
    }

    private static Command Kafka()
    {
        var command = new Command("kafka", "Run the embedded Kafka (librdkafka mock cluster) alone; prints its bootstrap string and runs until Ctrl-C.");
        command.SetAction(async (_, invocation) =>
        {
            using var ctx = CliContext.Load();
            var ct = CliContext.ShutdownToken(invocation);
            using var kafka = EmbeddedKafka.Start(ctx.Settings, ctx.Logger("Rhythmic.Infra"));
            Console.WriteLine(kafka.BootstrapServers);
            try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
            return 0;
        });
        return command;
    }

    private static Command Pg()
    {
        var command = new Command("pg", "Manage the project-local PostgreSQL cluster (used unless Postgres:ConnectionString is set).");
        var action = new Argument<string>("action") { Description = "start | stop | status" };
        action.AcceptOnlyFromAmong("start", "stop", "status");
        command.Arguments.Add(action);
        command.SetAction(async (parse, ct) =>
        {
            using var ctx = CliContext.Load();
            if (!ctx.Settings.Postgres.IsEmbedded)
            {
                Console.WriteLine("Postgres:ConnectionString is configured: no embedded cluster to manage.");
                return 0;
            }
            var pg = PlatformDatabase.Embedded(ctx.Settings, ctx.Logger("Rhythmic.Infra"));
            switch (parse.GetValue(action))
            {
                case "start":
                    await pg.StartAsync(ct);
                    await pg.EnsureDatabaseAsync(ctx.Settings.Postgres.Database, ct);
                    Console.WriteLine($"PostgreSQL is running in {pg.DataDir} on 127.0.0.1:{pg.Port} (log: {pg.LogFile})");
                    return 0;
                case "stop":
                    await pg.StopAsync(ct);
                    Console.WriteLine("PostgreSQL stopped.");
                    return 0;
                default:
                    var running = await pg.IsRunningAsync(ct);
                    Console.WriteLine(running ? $"running on 127.0.0.1:{pg.Port}" : "not running");
                    return running ? 0 : 3;
            }
        });
        return command;
    }

    private static Command Migrate()
    {
        var command = new Command("migrate", "Apply pending SQL migrations to the configured PostgreSQL.");
        command.SetAction(async (_, ct) =>
        {
            using var ctx = CliContext.Load();
            var log = ctx.Logger("Rhythmic.Infra");
            await ctx.PrepareDatabaseAsync(log, ct);
            log.LogInformation("Migrations are up to date ({Count} known)", Migrator.Plan(PlatformMigrations.All).Count);
            return 0;
        });
        return command;
    }
}
