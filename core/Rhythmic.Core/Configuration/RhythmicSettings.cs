namespace Rhythmic.Core.Configuration;

/// <summary>The whole platform's configuration: one section per layer, bound from appsettings.json and RHYTHMIC__ variables.</summary>
public sealed class RhythmicSettings
{
    /// <summary>The project home every relative path is resolved against (not bound; found at load time).</summary>
    public string Home
    {
        get => _home;
        set { _home = value; _postgres.Home = value; }
    }
    private string _home = "";

    /// <summary>Runtime state (pids, the embedded Kafka's bootstrap string, logs), relative to <see cref="Home"/>.</summary>
    public string RunDir { get; set; } = ".local/run";

    public PostgresSettings Postgres
    {
        get => _postgres;
        set { _postgres = value; value.Home = _home; } // it resolves its data directory (and passwords) against the home
    }
    private PostgresSettings _postgres = new();
    public KafkaSettings Kafka { get; set; } = new();
    public LakeSettings Lake { get; set; } = new();
    public ServingSettings Serving { get; set; } = new();
    public SimulatorSettings Simulator { get; set; } = new();
    public SpeedSettings Speed { get; set; } = new();
    public LanderSettings Lander { get; set; } = new();
    public WarehouseSettings Warehouse { get; set; } = new();
    public JobsSettings Jobs { get; set; } = new();

    /// <summary>Resolves a configured path against <see cref="Home"/>.</summary>
    public string PathOf(string configured) => Path.GetFullPath(configured, Home);

    /// <summary>Every problem with the values, each naming its configuration key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var v = new SettingsValidator(errors);
        v.Required("RunDir", RunDir);
        Postgres.Validate(v.Section("Postgres"));
        Kafka.Validate(v.Section("Kafka"));
        Lake.Validate(v.Section("Lake"));
        Serving.Validate(v.Section("Serving"));
        Simulator.Validate(v.Section("Simulator"));
        Speed.Validate(v.Section("Speed"));
        Lander.Validate(v.Section("Lander"));
        Warehouse.Validate(v.Section("Warehouse"));
        Jobs.Validate(v.Section("Jobs"));
        return errors;
    }
}

/// <summary>Collects validation errors with the full configuration key of each bad value.</summary>
public sealed class SettingsValidator(List<string> errors, string prefix = "")
{
    public SettingsValidator Section(string name) => new(errors, prefix + name + ":");

    public void Required(string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add($"{prefix}{key} is required.");
    }

    public void Range(string key, long value, long min, long max)
    {
        if (value < min || value > max) errors.Add($"{prefix}{key} must be between {min} and {max} (got {value}).");
    }

    public void Range(string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max) errors.Add($"{prefix}{key} must be between {min} and {max} (got {value}).");
    }

    public void Check(string key, bool ok, string message)
    {
        if (!ok) errors.Add($"{prefix}{key} {message}");
    }
}
