using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic speed</c>.</summary>
internal static class SpeedVerb
{
    public static Command Create()
    {
        var command = new Command("speed", "Run the speed layer.");
        command.SetAction(_ => NotYet.Say("speed", " Kafka to per-minute aggregates in PostgreSQL:speed layer"));
        return command;
    }
}
