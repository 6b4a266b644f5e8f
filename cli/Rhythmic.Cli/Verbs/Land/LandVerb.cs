using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic land</c>.</summary>
internal static class LandVerb
{
    public static Command Create()
    {
        var command = new Command("land", "Run the lake lander (Kafka to date/hour-partitioned Parquet).");
        command.SetAction(_ => NotYet.Say("land", "lake lander"));
        return command;
    }
}
