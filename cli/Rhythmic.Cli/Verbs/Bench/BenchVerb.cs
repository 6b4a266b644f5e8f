using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench &lt;layer&gt;</c>: throughput figures, one subcommand per layer (each in its own file beside this one).</summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var command = new Command("bench", "Print throughput figures of a layer (and of peers such as DuckDB side by side).");
        // One line per layer's benchmark:
        command.Subcommands.Add(BenchSimulate.Create());
        command.Subcommands.Add(BenchWarehouse.Create());
        command.Subcommands.Add(BenchSpeed.Create());
        command.Subcommands.Add(BenchLake.Create());
        command.Subcommands.Add(BenchServe.Create());
        command.SetAction(_ => ShowHelp(command));
        return command;
    }

    private static int ShowHelp(Command command)
    {
        Console.Error.WriteLine($"rhythmic bench: name a layer: {string.Join(", ", command.Subcommands.Select(c => c.Name))}.");
        return 1;
    }
}
