using System.CommandLine;
using Rhythmic.Cli.Verbs;

namespace Rhythmic.Cli;

/// <summary>Every verb, one line each; each verb's folder under Verbs/ holds its options and behaviour.</summary>
internal static class VerbRegistry
{
    public static IEnumerable<Command> All =>
    [
        UpVerb.Create(),
        SimulateVerb.Create(),
        SpeedVerb.Create(),
        LandVerb.Create(),
        LoadVerb.Create(),
        LakeVerb.Create(),
        ReconcileVerb.Create(),
        ServeVerb.Create(),
        JobsVerb.Create(),
        BenchVerb.Create(),
        InfraVerb.Create(),
    ];
}
