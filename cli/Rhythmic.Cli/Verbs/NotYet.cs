namespace Rhythmic.Cli.Verbs;

/// <summary>The answer of a verb whose layer is not built yet: says so, exits non-zero.</summary>
internal static class NotYet
{
    public static int Say(string verb, string layer)
    {
        Console.Error.WriteLine($"rhythmic {verb}: the {layer} is not built yet.");
        return 2;
    }
}
