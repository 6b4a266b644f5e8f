using System.Reflection;

namespace Rhythmic.Core;

/// <summary>Reads SQL kept in .sql files embedded in an assembly (SQL never lives in C# strings).</summary>
public static class SqlResources
{
    /// <summary>The text of the embedded resource <paramref name="name"/> (its logical name, e.g. "speed/flush.sql").</summary>
    public static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"SQL resource '{name}' is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The logical names of the embedded resources under <paramref name="prefix"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> List(Assembly assembly, string prefix)
        => assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
}
