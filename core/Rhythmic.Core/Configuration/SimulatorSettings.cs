namespace Rhythmic.Core.Configuration;

/// <summary>Defaults of the event simulator; command-line options override them.</summary>
public sealed class SimulatorSettings
{
    /// <summary>Users at the start of a simulation.</summary>
    public int Users { get; set; } = 2000;
    /// <summary>Users of the live simulation <c>rhythmic up</c> runs: 50,000 give a few events per second (eventsim's pace is ~0.05 events/s per 1,000 users).</summary>
    public int UpUsers { get; set; } = 50_000;
    /// <summary>Yearly growth of the user base (0.01 = 1 %).</summary>
    public double GrowthRate { get; set; } = 0.01;
    /// <summary>Yearly churn of users unrelated to the Cancel page (checked at the end of each session).</summary>
    public double AttritionRate { get; set; } = 0.0;
    /// <summary>Random seed; the same seed and options give byte-identical output.</summary>
    public long Seed { get; set; } = 42;
    /// <summary>In continuous mode, how many times faster than the wall clock time passes.</summary>
    public double Speed { get; set; } = 1.0;
    /// <summary>An eventsim-format JSON config; empty uses the built-in copy of eventsim's example config.</summary>
    public string Config { get; set; } = "";
    /// <summary>Directory with eventsim-style data files; empty uses the built-in catalog, names and places.</summary>
    public string DataDir { get; set; } = "";
    /// <summary>Days of history <c>rhythmic up</c> simulates into the lake before going live, on a fresh platform (0: none).</summary>
    public int HistoryDays { get; set; } = 7;
    /// <summary>Whether <c>rhythmic up</c> runs the simulator against its Kafka.</summary>
    public bool RunInUp { get; set; } = true;

    internal void Validate(SettingsValidator v)
    {
        v.Range("Users", Users, 1, 100_000_000);
        v.Range("UpUsers", UpUsers, 1, 100_000_000);
        v.Range("GrowthRate", GrowthRate, 0.0, 100.0);
        v.Range("AttritionRate", AttritionRate, 0.0, 1.0);
        v.Range("Speed", Speed, 0.001, 1_000_000.0);
        v.Range("HistoryDays", HistoryDays, 0, 3650);
    }
}
