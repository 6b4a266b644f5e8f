using Microsoft.Extensions.Configuration;

namespace Rhythmic.Core.Configuration;

/// <summary>
/// Loads the platform's configuration the same way for every verb: <c>appsettings.json</c> and the optional
/// <c>appsettings.Local.json</c> in the project home, then <c>RHYTHMIC__Section__Key</c> environment variables.
/// </summary>
public static class RhythmicConfiguration
{
    public const string EnvironmentPrefix = "RHYTHMIC__";
    public const string HomeVariable = "RHYTHMIC_HOME";

    /// <summary>Builds the configuration sources for <paramref name="home"/>.</summary>
    public static IConfigurationRoot Build(string home, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(home, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(home, "appsettings.Local.json"), optional: true)
            .AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }

    /// <summary>Loads, binds and validates; throws a <see cref="RhythmicException"/> naming every bad key.</summary>
    public static RhythmicSettings Load(string? home = null, IDictionary<string, string?>? overrides = null)
        => Bind(Build(home ??= FindHome(), overrides), home);

    /// <summary>Binds and validates an already built configuration.</summary>
    public static RhythmicSettings Bind(IConfiguration configuration, string home)
    {
        var settings = new RhythmicSettings();
        var known = typeof(RhythmicSettings).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        known.Add("Logging");
        var errors = new List<string>();
        foreach (var section in configuration.GetChildren())
            if (!known.Contains(section.Key))
                errors.Add($"{section.Key} is not a configuration section of Rhythmic (known: {string.Join(", ", known.Order())}).");
        try
        {
            foreach (var section in configuration.GetChildren().Where(s => known.Contains(s.Key) && !s.Key.Equals("Logging", StringComparison.OrdinalIgnoreCase)))
            {
                var property = typeof(RhythmicSettings).GetProperties().First(p => string.Equals(p.Name, section.Key, StringComparison.OrdinalIgnoreCase));
                if (property.PropertyType == typeof(string)) property.SetValue(settings, section.Value);
                else section.Bind(property.GetValue(settings), o => o.ErrorOnUnknownConfiguration = true);
            }
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message);
        }
        settings.Home = home;
        errors.AddRange(settings.Validate());
        if (errors.Count > 0)
            throw new RhythmicException("Invalid configuration:\n  " + string.Join("\n  ", errors));
        return settings;
    }

    /// <summary>The project home: $RHYTHMIC_HOME, else the nearest folder above the program or the working directory that holds Rhythmic.sln.</summary>
    public static string FindHome()
    {
        var fromEnv = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Rhythmic.sln"))) return dir.FullName;
        return Environment.CurrentDirectory;
    }
}
