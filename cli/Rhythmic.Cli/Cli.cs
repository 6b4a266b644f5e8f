using System.CommandLine;
using Rhythmic.Core;

namespace Rhythmic.Cli;

/// <summary>The <c>rhythmic</c> front door: one verb per part of the architecture.</summary>
public static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        Output.CliConsole.Configure();
        var root = new RootCommand("Rhythmic: lambda-architecture analytics for music-streaming events.");
        foreach (var verb in VerbRegistry.All) root.Subcommands.Add(verb);
        try
        {
            var parse = root.Parse(args);
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            // A verb running a foreground child (psql) must outlive a Ctrl-C the child handles itself.
            if (parse.CommandResult.Command is ForegroundChildCommand) invocation.ProcessTerminationTimeout = null;
            return await parse.InvokeAsync(invocation);
        }
        catch (RhythmicException e)
        {
            Console.Error.WriteLine($"rhythmic: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }
}

/// <summary>A verb that runs an interactive child in the foreground (psql): Ctrl-C is the child's to handle, not ours.</summary>
internal sealed class ForegroundChildCommand(string name, string description) : Command(name, description);
