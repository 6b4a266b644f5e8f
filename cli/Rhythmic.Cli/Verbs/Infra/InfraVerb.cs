using System.CommandLine;
using Microsoft.Extensions.Logging;
using Rhythmic.Core;
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
        return command;
    }

    private static Command Show()
    {
        var command = new Command("show", "Print where the configured platform lives (key=value lines, for scripts).");
        command.SetAction(_ =>
        {
            using var ctx = CliContext.Load();
            var s = ctx.Settings;
            Console.WriteLine($"home={s.Home}");
            Console.WriteLine($"serving.url={s.Serving.Urls.Split(';')[0]}");
            Console.WriteLine($"postgres={(s.Postgres.IsEmbedded ? $"embedded 127.0.0.1:{s.Postgres.Port} ({s.PathOf(s.Postgres.DataDir)})" : "configured")}");
            Console.WriteLine($"kafka={(s.Kafka.IsEmbedded ? "embedded" : s.Kafka.BootstrapServers)}");
            Console.WriteLine($"lake={s.PathOf(s.Lake.Root)}");
            Console.WriteLine($"run={s.PathOf(s.RunDir)}");
            return 0;
        });
        return command;
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
            var pg = PlatformDatabase.Embedded(ctx.Settings);
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
            await PlatformDatabase.PrepareAsync(ctx.Settings, log, ct);
            log.LogInformation("Migrations are up to date ({Count} known)", Migrator.All.Count);
            return 0;
        });
        return command;
    }
}
