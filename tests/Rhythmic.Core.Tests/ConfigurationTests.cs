using Rhythmic.Core;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Core.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("rhythmic-config-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private RhythmicSettings Load(string? json = null, Dictionary<string, string?>? overrides = null)
    {
        if (json is not null) File.WriteAllText(Path.Combine(_home, "appsettings.json"), json);
        return RhythmicConfiguration.Load(_home, overrides);
    }

    [Fact]
    public void Defaults_are_valid_and_embedded()
    {
        var s = Load();
        Assert.True(s.Kafka.IsEmbedded);
        Assert.True(s.Postgres.IsEmbedded);
        Assert.Equal(Path.Combine(_home, ".local/lake"), s.PathOf(s.Lake.Root));
    }

    [Fact]
    public void Repository_appsettings_json_is_valid()
    {
        var s = RhythmicConfiguration.Load(RhythmicConfiguration.FindHome());
        Assert.Empty(s.Validate());
    }

    [Fact]
    public void File_values_are_bound()
    {
        var s = Load("""{ "Kafka": { "Partitions": 8 }, "Speed": { "AllowedLatenessSeconds": 30 } }""");
        Assert.Equal(8, s.Kafka.Partitions);
        Assert.Equal(30, s.Speed.AllowedLatenessSeconds);
    }

    [Fact]
    public void Overrides_win_over_the_file()
    {
        var s = Load("""{ "Kafka": { "Partitions": 8 } }""", new() { ["Kafka:Partitions"] = "2" });
        Assert.Equal(2, s.Kafka.Partitions);
    }

    [Fact]
    public void Out_of_range_value_names_its_key()
    {
        var e = Assert.Throws<RhythmicException>(() => Load("""{ "Kafka": { "Partitions": 0 } }"""));
        Assert.Contains("Kafka:Partitions must be between 1 and 256 (got 0)", e.Message);
    }

    [Fact]
    public void The_embedded_retention_defaults_to_a_month_of_100000_users_and_is_validated_by_its_key()
    {
        Assert.Equal(1280, Load().Kafka.EmbeddedRetentionMB);
        Assert.Equal(64L << 20, Load("""{ "Kafka": { "EmbeddedRetentionMB": 64 } }""").Kafka.EmbeddedRetentionBytes);
        var e = Assert.Throws<RhythmicException>(() => Load("""{ "Kafka": { "EmbeddedRetentionMB": 0 } }"""));
        Assert.Contains("Kafka:EmbeddedRetentionMB must be between 1 and 1048576 (got 0)", e.Message);
    }

    [Fact]
    public void A_job_schedule_is_a_cron_expression_as_Hangfire_reads_it_and_a_bad_one_names_its_key()
    {
        Assert.Equal("*/5 * * * *", Load("""{ "Jobs": { "IncrementalCron": "*/5 * * * *" } }""").Jobs.IncrementalCron);
        Assert.Equal("0 */5 * * * *", Load("""{ "Jobs": { "IncrementalCron": "0 */5 * * * *" } }""").Jobs.IncrementalCron);   // seconds first
        var e = Assert.Throws<RhythmicException>(() => Load("""{ "Jobs": { "MaintenanceCron": "30 3 * * sometimes" } }"""));
        Assert.Contains("Jobs:MaintenanceCron is not a cron expression ('30 3 * * sometimes'", e.Message);
        e = Assert.Throws<RhythmicException>(() => Load("""{ "Jobs": { "InvisibilityTimeoutSeconds": 0 } }"""));
        Assert.Contains("Jobs:InvisibilityTimeoutSeconds must be between 1 and 86400 (got 0)", e.Message);
    }

    [Fact]
    public void Mistyped_value_names_its_key()
    {
        var e = Assert.Throws<RhythmicException>(() => Load("""{ "Speed": { "FlushIntervalMs": "soon" } }"""));
        Assert.Contains("Speed:FlushIntervalMs", e.Message);
    }

    [Fact]
    public void Unknown_key_is_an_error_naming_it()
    {
        var e = Assert.Throws<RhythmicException>(() => Load("""{ "Lander": { "RollByte": 5 } }"""));
        Assert.Contains("RollByte", e.Message);
    }

    [Fact]
    public void Unknown_section_is_an_error_naming_it()
    {
        var e = Assert.Throws<RhythmicException>(() => Load("""{ "Kafak": { } , "Logging": { "LogLevel": { "Default": "Debug" } } }"""));
        Assert.Contains("Kafak is not a configuration section", e.Message);
        Assert.DoesNotContain("Logging is not", e.Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var e = Assert.Throws<RhythmicException>(() => Load("""{ "Kafka": { "Brokers": 0 }, "Lander": { "Codec": "zstd" } }"""));
        Assert.Contains("Kafka:Brokers", e.Message);
        Assert.Contains("Lander:Codec must be 'snappy' or 'none'", e.Message);
    }

    [Fact]
    public void Environment_style_keys_are_case_insensitive_and_logging_is_left_to_the_logger()
    {
        var s = Load(overrides: new() { ["KAFKA:PARTITIONS"] = "3", ["LOGGING:CONSOLE:FORMATTERNAME"] = "json" });
        Assert.Equal(3, s.Kafka.Partitions);
    }

    [Fact]
    public void Bad_bootstrap_servers_are_rejected()
    {
        var e = Assert.Throws<RhythmicException>(() => Load(overrides: new() { ["Kafka:BootstrapServers"] = "localhost" }));
        Assert.Contains("Kafka:BootstrapServers must be a list of host:port", e.Message);
    }

    [Fact]
    public void Kafka_bootstrap_comes_from_the_running_platform_when_not_configured()
    {
        var s = Load();
        Assert.Throws<RhythmicException>(() => RuntimeState.KafkaBootstrap(s));
        RuntimeState.PublishKafkaBootstrap(s, "127.0.0.1:1234");
        Assert.Equal("127.0.0.1:1234", RuntimeState.KafkaBootstrap(s));
        RuntimeState.RetractKafkaBootstrap(s, "127.0.0.1:1234");
        Assert.Throws<RhythmicException>(() => RuntimeState.KafkaBootstrap(s));
    }

    [Fact]
    public void Configured_bootstrap_servers_win()
    {
        var s = Load(overrides: new() { ["Kafka:BootstrapServers"] = "kafka:9092" });
        Assert.Equal("kafka:9092", RuntimeState.KafkaBootstrap(s));
    }
}
