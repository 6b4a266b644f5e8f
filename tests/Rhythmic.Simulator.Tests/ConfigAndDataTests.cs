using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core;
using Rhythmic.Core.Events;
using Rhythmic.Simulator.Data;
using Rhythmic.Simulator.Json;
using Rhythmic.Simulator.Model;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Tests;

public sealed class ConfigAndDataTests
{
    private static readonly string EventsimData = Path.GetFullPath(Path.Combine(Rhythmic.Core.Configuration.RhythmicConfiguration.FindHome(), "..", "shared", "eventsim-data"));

    [Fact]
    public void The_built_in_config_is_eventsims_example_config_verbatim_and_eventsims_file_loads_unchanged()
    {
        var shared = File.ReadAllText(Path.Combine(EventsimData, "example-config.json"));
        Assert.Equal(shared, EmbeddedData.ReadText("eventsim-example-config.json"));
        var config = SiteConfig.Load(Path.Combine(EventsimData, "example-config.json"));
        Assert.Equal(90.0, config.Alpha);
        Assert.Equal(604800.0, config.Beta);
        Assert.Equal(1800, config.SessionGapSeconds);
        Assert.Equal("Cancelled", config.ChurnedState);
        var nextSongPaid = config.States.Single(s => s is { Page: "NextSong", Level: "paid" });
        var nextSongFree = config.States.Single(s => s is { Page: "NextSong", Level: "free" });
        Assert.Equal(0.978, nextSongPaid.ContinueProbability, 6);
        Assert.Equal(0.563, nextSongFree.ContinueProbability, 6);
        Assert.All(config.States, s => Assert.True(s.ContinueProbability <= 1.0 + 1e-9));
    }

    [Fact]
    public async Task A_config_file_runs_the_simulation_and_a_bad_one_is_refused_with_its_reason()
    {
        var dir = Directory.CreateTempSubdirectory("rhythmic-sim-cfg-").FullName;
        try
        {
            var good = Path.Combine(dir, "good.json");
            File.Copy(Path.Combine(EventsimData, "example-config.json"), good);
            var sink = new MemorySink();
            await new Simulation(Sim.Options(users: 50) with { ConfigPath = good }).RunAsync(sink, CancellationToken.None);
            Assert.NotEmpty(sink.Events);

            var bad = Path.Combine(dir, "bad.json");
            var text = File.ReadAllText(good).Replace("\"p\":0.999", "\"p\":1.999");
            File.WriteAllText(bad, text);
            var e = Assert.Throws<RhythmicException>(() => new Simulation(Sim.Options() with { ConfigPath = bad }));
            Assert.Contains("more than 1", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_built_in_catalog_has_ten_thousand_songs_with_a_heavy_tailed_popularity()
    {
        var world = WorldLoader.Default;
        Assert.True(world.Songs.Length >= 10_000);
        Assert.True(world.Songs.Select(s => s.Artist).Distinct().Count() >= 1_000);
        Assert.All(world.Songs, s => Assert.InRange(s.Duration, 30.0, 900.0));
        var weights = world.SongWeights.OrderDescending().ToArray();
        var top1Percent = weights.Take(weights.Length / 100).Sum() / weights.Sum();
        Assert.True(top1Percent > 0.25, $"top 1 % of songs get {top1Percent:P0} of plays");
        // Zipf: the weight at rank 10x is about a tenth.
        Assert.InRange(weights[999] / weights[99], 0.05, 0.2);
        Assert.True(world.Places.Length > 1000 && world.FirstNames.Length >= 800 && world.LastNames.Length >= 1000 && world.UserAgents.Length >= 50);
        Assert.Contains(world.Places, p => p.Zip.StartsWith('0'));
    }

    [Fact]
    public void Eventsims_data_files_load_with_utf8_and_utf16_decoded_correctly()
    {
        var world = WorldLoader.Load(EventsimData);
        Assert.Equal(10_000, world.Songs.Length);
        Assert.Contains(world.Songs, s => s.Artist.StartsWith("Maurice Chevalier / Françoise Dorin", StringComparison.Ordinal));
        Assert.Contains(world.Songs, s => s.Title.Contains("Ah_ non più", StringComparison.Ordinal));
        Assert.DoesNotContain(world.Songs, s => s.Artist.Contains('\uFFFD') || s.Artist.Contains("Ã", StringComparison.Ordinal));
        Assert.Equal(1000, world.LastNames.Length);                     // CR line endings
        Assert.Equal("Smith", world.LastNames[0]);
        Assert.Equal(85, world.UserAgents.Length);                      // UTF-16 file with BOM
        Assert.StartsWith("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36", world.UserAgents[0]);
        Assert.True(world.FirstNames.Length > 30_000);
        Assert.All(world.Places, p => Assert.DoesNotContain(p.State, new[] { "AA", "AE", "AP" }));
        Assert.Contains(world.Places, p => p.Zip == "00501" || p.Zip.StartsWith("00", StringComparison.Ordinal));
        Assert.All(world.Sources, s => Assert.Contains(EventsimData, s));
    }

    [Fact]
    public async Task Events_from_eventsims_data_keep_non_ascii_names_intact_in_the_json()
    {
        var sink = new MemorySink();
        await new Simulation(Sim.Options(users: 300, days: 2) with { DataDir = EventsimData }).RunAsync(sink, CancellationToken.None);
        var artists = sink.Of(Topics.Listen).Select(e => JsonDocument.Parse(e.Json).RootElement.GetProperty("artist").GetString()!).ToList();
        Assert.NotEmpty(artists);
        Assert.Contains(artists, a => a.Any(c => c > 127));
        var known = WorldLoader.Load(EventsimData).Songs.Select(s => s.Artist).ToHashSet();
        Assert.All(artists, a => Assert.Contains(a, known));
    }

    [Fact]
    public void Json_string_fields_round_trip_any_text()
    {
        Prop.ForAll<string>(text =>
        {
            var value = text ?? "";
            // Lone surrogates cannot be UTF-8; the simulator's text comes from decoded files, which never hold them.
            if (value.Any(char.IsSurrogate)) return true;
            var json = "{" + System.Text.Encoding.UTF8.GetString(JsonText.StringField("f", value, leadingComma: false)) + "}";
            return JsonDocument.Parse(json).RootElement.GetProperty("f").GetString() == value;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Alias_tables_draw_only_positive_weights_in_proportion()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 20)).Where(a => a.Length > 0 && a.Sum() > 0).ToArbitrary(), weights =>
        {
            var table = new AliasTable(weights.Select(w => (double)w).ToArray());
            var rng = new Rng(3, weights.Length);
            var counts = new int[weights.Length];
            const int draws = 20_000;
            for (var i = 0; i < draws; i++) counts[table.Next(ref rng)]++;
            var total = weights.Sum();
            return weights.Select((w, i) => w == 0 ? counts[i] == 0 : Math.Abs(counts[i] / (double)draws - w / (double)total) < 0.03).All(ok => ok);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Doubles_are_written_as_json_numbers_with_a_decimal_point()
    {
        Assert.Equal("240.0", JsonText.FormatDouble(240));
        Assert.Equal("172.90404", JsonText.FormatDouble(172.90404));
        Assert.Equal("-71.027", JsonText.FormatDouble(-71.027));
    }
}
