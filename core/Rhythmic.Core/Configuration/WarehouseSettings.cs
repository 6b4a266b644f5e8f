namespace Rhythmic.Core.Configuration;

/// <summary>The star-schema loads.</summary>
public sealed class WarehouseSettings
{
    /// <summary>Hours loaded in one transaction batch by an incremental load.</summary>
    public int MaxHoursPerRun { get; set; } = 24 * 31;

    internal void Validate(SettingsValidator v) => v.Range("MaxHoursPerRun", MaxHoursPerRun, 1, 24 * 3660);
}
