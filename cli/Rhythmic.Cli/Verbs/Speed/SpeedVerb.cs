using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic speed</c>.</summary>
internal static class SpeedVerb
{
    public static Command Create()
    {
        var command = new Command("speed", "Run the speed layer (Kafka to per-minute aggregates in PostgreSQL).");
        command.SetAction(_ => NotYet.Say("speed", "speed layer"));
        return command;
    }
}
