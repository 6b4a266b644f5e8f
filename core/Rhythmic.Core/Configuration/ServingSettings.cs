namespace Rhythmic.Core.Configuration;

/// <summary>The HTTP API and dashboard.</summary>
public sealed class ServingSettings
{
    /// <summary>Where the serving host listens.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8480";
    /// <summary>Bearer token required by mutating endpoints (job triggers); empty disables them.</summary>
    public string AdminToken { get; set; } = "";

    internal void Validate(SettingsValidator v)
    {
        v.Required("Urls", Urls);
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries))
            v.Check("Urls", Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https"), $"must hold absolute http(s) URLs (got '{url}').");
    }
}
