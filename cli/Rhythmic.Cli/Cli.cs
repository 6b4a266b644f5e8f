using System.CommandLine;
using Rhythmic.Core;

namespace Rhythmic.Cli;

/// <summary>The <c>rhythmic</c> front door: one verb per part of the architecture.</summary>
public static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Rhythmic: lambda-architecture analytics for music-streaming events.");
        foreach (var verb in VerbRegistry.All) root.Subcommands.Add(verb);
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
