using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic bench</c>.</summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var command = new Command("bench", "Print throughput figures of a layer (and of peers side by side).");
        command.SetAction(_ => NotYet.Say("bench", "benchmark suite"));
        return command;
    }
}
