using Rhythmic.Simulator.Model;

namespace Rhythmic.Simulator.Data;

/// <summary>
/// The default catalog, generated deterministically (no download): 12,000 songs by 3,000 artists, durations
/// log-normal around 3.7 minutes, and Zipf-like popularity (weight ∝ 1/(rank+5)^1.05, like listen counts).
/// </summary>
internal static class BuiltInCatalog
{
    public const int SongCount = 12_000;
    public const int ArtistCount = 3_000;

    private static readonly string[] Adjectives =
    [
        "Silver", "Electric", "Midnight", "Golden", "Velvet", "Broken", "Neon", "Crimson", "Hollow", "Wild", "Quiet", "Burning",
        "Frozen", "Lonely", "Lucky", "Restless", "Paper", "Glass", "Northern", "Southern", "Cosmic", "Little", "Big", "Young",
        "Ancient", "Secret", "Bright", "Dark", "Blue", "Scarlet", "Emerald", "Sunny", "Rainy", "Holy", "Modern", "Royal",
        "Sleepy", "Savage", "Gentle", "Fading", "Rising", "Endless", "Distant", "Sweet", "Bitter", "Shining", "Falling", "Dancing",
    ];

    private static readonly string[] Nouns =
    [
        "Hearts", "Wolves", "Rivers", "Echoes", "Shadows", "Lights", "Roses", "Kings", "Ghosts", "Stars", "Machines", "Birds",
        "Tides", "Dreams", "Mountains", "Streets", "Flames", "Horses", "Satellites", "Daughters", "Sons", "Lovers", "Strangers", "Saints",
        "Waves", "Clouds", "Engines", "Mirrors", "Pilots", "Sirens", "Foxes", "Owls", "Comets", "Gardens", "Cities", "Bells",
    ];

    private static readonly string[] Given =
    [
        "Ava", "Leo", "Mia", "Noah", "Zoë", "Jonas", "Björn", "Inés", "Chloé", "Mateo", "Léa", "Sofía", "Ólafur", "Amélie", "José",
        "Lucas", "Emma", "Maya", "Elias", "Nina", "Oscar", "Iris", "Hugo", "Aiko", "Kenji", "Priya", "Omar", "Yara", "Dmitri", "Anya",
        "Marcus", "Jade", "Felix", "Ruby", "Theo", "Luna", "Caleb", "Hazel", "Miles", "Nora",
    ];

    private static readonly string[] Family =
    [
        "Rivers", "Stone", "Vale", "Moreno", "Lindqvist", "Okafor", "Nakamura", "Dubois", "Müller", "García", "Kowalski", "O'Neil",
        "Fontaine", "Sandoval", "Hart", "Blake", "Quinn", "Reyes", "Søndergaard", "Castillo", "Park", "Nguyen", "Haddad", "Ivanova",
        "Costa", "Brooks", "Wilde", "Frost", "Knight", "Everly",
    ];

    private static readonly string[] TitleWords =
    [
        "Love", "Night", "Fire", "Home", "Heart", "Dream", "Light", "Rain", "Summer", "Road", "Sky", "Ocean", "Gold", "Time", "Song",
        "Dance", "Stay", "Run", "Fly", "Fall", "Wait", "Breathe", "Forever", "Tonight", "Yesterday", "Tomorrow", "Alone", "Together",
        "Wonder", "Echo", "Paradise", "Thunder", "Velvet", "Neon", "Honey", "Sugar", "Storm", "River", "Highway", "Moon", "Sun",
        "Shadow", "Mirror", "Ghost", "Angel", "Devil", "Diamond", "Wildfire", "Heartbeat", "Daylight", "Starlight", "Café", "Señorita",
        "Déjà Vu", "Über", "Naïve", "Fiancée", "Jalapeño", "Smörgåsbord", "Crème",
    ];

    private static readonly string[] TitleForms = ["{0}", "{0} {1}", "The {0}", "{0} of {1}", "{0} & {1}", "My {0}", "{0} ({1} Remix)", "No {0}", "{0} Again", "Lost in {0}"];

    public static (Song[] Songs, double[] Weights) Generate()
    {
        var rng = new Rng(20_240_601, 1);
        var artists = new string[ArtistCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ArtistCount; i++)
        {
            string name;
            var attempt = 0;
            do
            {
                name = rng.NextInt(3) switch
                {
                    0 => $"The {Adjectives[rng.NextInt(Adjectives.Length)]} {Nouns[rng.NextInt(Nouns.Length)]}",
                    1 => $"{Given[rng.NextInt(Given.Length)]} {Family[rng.NextInt(Family.Length)]}",
                    _ => $"{Adjectives[rng.NextInt(Adjectives.Length)]} {Nouns[rng.NextInt(Nouns.Length)]}",
                };
                if (++attempt > 5) name += " " + (i + 1);
            } while (!seen.Add(name));
            artists[i] = name;
        }
        // Artist popularity is itself heavy-tailed: popular artists have more (and more popular) songs.
        var artistWeights = new double[ArtistCount];
        for (var i = 0; i < ArtistCount; i++) artistWeights[i] = 1.0 / Math.Pow(i + 3, 0.8);
        var artistTable = new AliasTable(artistWeights);
        var songs = new Song[SongCount];
        var weights = new double[SongCount];
        for (var rank = 0; rank < SongCount; rank++)
        {
            var artist = artists[artistTable.Next(ref rng)];
            var w1 = TitleWords[rng.NextInt(TitleWords.Length)];
            var w2 = TitleWords[rng.NextInt(TitleWords.Length)];
            var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, TitleForms[rng.NextInt(TitleForms.Length)], w1, w2);
            // Log-normal duration (median ~220 s), kept between 45 s and 15 min, with MSD-like 5 decimals.
            var duration = Math.Round(Math.Clamp(220.0 * Math.Exp(0.35 * rng.Gaussian()), 45.0, 900.0), 5);
            if (duration == Math.Floor(duration)) duration += 0.12345;
            songs[rank] = new Song(artist, title, duration);
            weights[rank] = Math.Max(1.0, Math.Round(1_000_000.0 / Math.Pow(rank + 5, 1.05)));
        }
        return (songs, weights);
    }
}
