using System.Reflection;

namespace Rhythmic.Simulator.Model;

/// <summary>Reads the simulator's embedded resources (Resources/*, logical names simulator/...).</summary>
internal static class EmbeddedData
{
    public static Stream Open(string name)
        => Assembly.GetExecutingAssembly().GetManifestResourceStream("simulator/" + name)
           ?? throw new InvalidOperationException($"Embedded resource simulator/{name} is missing.");

    public static string ReadText(string name)
    {
        using var reader = new StreamReader(Open(name), System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Tab-separated lines, skipping blanks and # comments.</summary>
    public static IEnumerable<string[]> ReadTsv(string name)
    {
        using var reader = new StreamReader(Open(name), System.Text.Encoding.UTF8);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#') yield return line.Split('\t');
    }
}
