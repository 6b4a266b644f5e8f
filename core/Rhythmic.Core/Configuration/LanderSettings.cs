namespace Rhythmic.Core.Configuration;

/// <summary>The lake lander: Kafka to Parquet files.</summary>
public sealed class LanderSettings
{
    public string ConsumerGroup { get; set; } = "rhythmic-lander";
    /// <summary>A file is closed once its buffered events reach this many bytes of JSON.</summary>
    public long RollBytes { get; set; } = 64L * 1024 * 1024;
    /// <summary>A file is closed once it has been open this long (seconds).</summary>
    public int RollSeconds { get; set; } = 60;
    /// <summary>Rows per Parquet row group.</summary>
    public int RowGroupRows { get; set; } = 100_000;
    /// <summary>Parquet codec: "snappy" or "none".</summary>
    public string Codec { get; set; } = "snappy";
    /// <summary>A partition's watermark trails the newest event time it landed by this much (seconds).</summary>
    public int AllowedLatenessSeconds { get; set; } = 300;
    /// <summary>Whether <c>rhythmic up</c> runs the lander.</summary>
    public bool RunInUp { get; set; } = true;

    internal void Validate(SettingsValidator v)
    {
        v.Required("ConsumerGroup", ConsumerGroup);
        v.Range("RollBytes", RollBytes, 1024, 16L * 1024 * 1024 * 1024);
        v.Range("RollSeconds", RollSeconds, 1, 86_400);
        v.Range("RowGroupRows", RowGroupRows, 1, 10_000_000);
        v.Range("AllowedLatenessSeconds", AllowedLatenessSeconds, 0, 7 * 86_400);
        v.Check("Codec", Codec is "snappy" or "none", $"must be 'snappy' or 'none' (got '{Codec}').");
    }
}
