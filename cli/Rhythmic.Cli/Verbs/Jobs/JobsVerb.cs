using System.CommandLine;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic jobs</c>.</summary>
internal static class JobsVerb
{
    public static Command Create()
    {
        var command = new Command("jobs", "Scheduled loads (run the scheduler, list, trigger, history).");
        command.SetAction(_ => NotYet.Say("jobs", "orchestration layer"));
        return command;
    }
}
