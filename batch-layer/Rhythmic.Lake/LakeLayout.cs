using System.Globalization;

namespace Rhythmic.Lake;

/// <summary>
/// Where files go: raw/&lt;topic&gt;/year=YYYY/month=MM/day=DD/hour=HH/part-&lt;partition&gt;-&lt;first&gt;-&lt;last&gt;.parquet by event-time
/// UTC hour (Hive-style, so Spark, Hive, Trino and DuckDB read it as is). Files being written end in ".tmp".
/// </summary>
public static class LakeLayout
{
    /// <summary>Suffix of files not yet published.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>The folder of one topic.</summary>
    public static string TopicFolder(string topic) => $"raw/{topic}";

    /// <summary>Start of the UTC hour holding <paramref name="epochMs"/>, in epoch ms.</summary>
    public static long HourOf(long epochMs) => epochMs - (((epochMs % 3_600_000) + 3_600_000) % 3_600_000);

    /// <summary>The folder of one topic and event-time hour.</summary>
    public static string HourFolder(string topic, long hourMs)
    {
        var h = DateTimeOffset.FromUnixTimeMilliseconds(hourMs).UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"raw/{topic}/year={h:yyyy}/month={h:MM}/day={h:dd}/hour={h:HH}");
    }

    /// <summary>The ending of every published lake file.</summary>
    public const string FileSuffix = ".parquet";

    /// <summary>The path of a landed file.</summary>
    public static string LandedFile(string topic, long hourMs, int partition, long firstOffset, long lastOffset)
        => string.Create(CultureInfo.InvariantCulture, $"{HourFolder(topic, hourMs)}/part-{partition}-{firstOffset}-{lastOffset}.parquet");

    /// <summary>The path of a backfilled file.</summary>
    public static string BackfillFile(string topic, long hourMs, string run, int sequence)
        => string.Create(CultureInfo.InvariantCulture, $"{HourFolder(topic, hourMs)}/part-backfill-{run}-{sequence}.parquet");

    /// <summary>True when <paramref name="path"/> (a file name or path) is a landed file of <paramref name="partition"/>, published or not.</summary>
    public static bool IsPartitionFile(string path, int partition)
        => Path.GetFileName(path).StartsWith(string.Create(CultureInfo.InvariantCulture, $"part-{partition}-"), StringComparison.Ordinal);
}
