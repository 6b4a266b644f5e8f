namespace Rhythmic.Core.Configuration;

/// <summary>The raw data lake: a local or mounted directory.</summary>
public sealed class LakeSettings
{
    /// <summary>Root directory of the lake, relative to the home; raw events live under raw/.</summary>
    public string Root { get; set; } = ".local/lake";

    internal void Validate(SettingsValidator v) => v.Required("Root", Root);
}
