using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic jobs</c>.</summary>
internal static class JobsVerb
{
    public static Command Create()
    {
        var command = new Command("jobs", "Scheduled loads.");
        command.SetAction(_ => NotYet.Say("jobs", " run the scheduler, list, trigger and show history:orchestration layer"));
        return command;
    }
}
