using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic simulate</c>.</summary>
internal static class SimulateVerb
{
    public static Command Create()
    {
        var command = new Command("simulate", "Generate eventsim-compatible events (to Kafka, JSON-lines files or the lake).");
        command.SetAction(_ => NotYet.Say("simulate", "simulator"));
        return command;
    }
}
