using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic load</c>.</summary>
internal static class LoadVerb
{
    public static Command Create()
    {
        var command = new Command("load", "Load the star-schema warehouse from the lake (full or incremental).");
        command.SetAction(_ => NotYet.Say("load", "warehouse loader"));
        return command;
    }
}
