namespace Rhythmic.Core.Configuration;

/// <summary>
/// Facts a running platform publishes for other processes, as small files under <see cref="RhythmicSettings.RunDir"/>:
/// the embedded Kafka's bootstrap string (its ports are chosen by the mock cluster) and pids.
/// </summary>
public static class RuntimeState
{
    private const string BootstrapFile = "kafka.bootstrap";

    public static string RunDir(RhythmicSettings s) => Directory.CreateDirectory(s.PathOf(s.RunDir)).FullName;

    /// <summary>Records the embedded Kafka's bootstrap string for other processes.</summary>
    public static void PublishKafkaBootstrap(RhythmicSettings s, string bootstrap)
    {
        var path = Path.Combine(RunDir(s), BootstrapFile);
        File.WriteAllText(path + ".tmp", bootstrap);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Removes the record if it still holds <paramref name="bootstrap"/>.</summary>
    public static void RetractKafkaBootstrap(RhythmicSettings s, string bootstrap)
    {
        var path = Path.Combine(RunDir(s), BootstrapFile);
        if (File.Exists(path) && File.ReadAllText(path).Trim() == bootstrap) File.Delete(path);
    }

    /// <summary>The bootstrap servers to use: the configured ones, else the running platform's embedded cluster.</summary>
    public static string KafkaBootstrap(RhythmicSettings s)
    {
        if (!s.Kafka.IsEmbedded) return s.Kafka.BootstrapServers;
        var path = Path.Combine(s.PathOf(s.RunDir), BootstrapFile);
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        throw new RhythmicException(
            "No Kafka to talk to: Kafka:BootstrapServers is not configured and no embedded cluster is running " +
            $"({path} is absent). Start the platform with ./startup.sh (or 'rhythmic infra kafka'), or set RHYTHMIC__KAFKA__BOOTSTRAPSERVERS.");
    }
}
