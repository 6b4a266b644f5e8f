using Rhythmic.Simulator.Json;

namespace Rhythmic.Simulator.Data;

/// <summary>A song with its pre-encoded <c>,"artist":..,"song":..,"duration":..</c> fields.</summary>
internal sealed class Song(string artist, string title, double duration)
{
    public string Artist { get; } = artist;
    public string Title { get; } = title;
    public double Duration { get; } = duration;
    public long DurationMs { get; } = (long)(duration * 1000);
    public byte[] Json { get; } = [.. JsonText.StringField("artist", artist), .. JsonText.StringField("song", title), .. JsonText.DoubleField("duration", duration)];
    /// <summary>The same fields without the leading comma: the listen event starts with them.</summary>
    public byte[] JsonFirst { get; } = [.. JsonText.StringField("artist", artist, false), .. JsonText.StringField("song", title), .. JsonText.DoubleField("duration", duration)];
}

/// <summary>A US place: zip kept as a string (leading zeros), with its pre-encoded JSON pieces.</summary>
internal sealed class Place(string zip, string city, string state, double lat, double lon)
{
    public string Zip { get; } = zip;
    public string City { get; } = city;
    public string State { get; } = state;
    public double Lat { get; } = lat;
    public double Lon { get; } = lon;
    /// <summary>Hours from UTC of the place's mean solar time (US: -5 in the east to -10 in Hawaii); drives the daily cycle.</summary>
    public int UtcOffsetHours { get; } = Math.Clamp((int)Math.Round(lon / 15.0), -11, -3);
    public byte[] CityZipState { get; } = [.. JsonText.StringField("city", city), .. JsonText.StringField("zip", zip), .. JsonText.StringField("state", state)];
    public byte[] LonLat { get; } = [.. JsonText.DoubleField("lon", lon), .. JsonText.DoubleField("lat", lat)];
}

/// <summary>A first name and its gender ("M"|"F").</summary>
internal sealed class FirstName(string name, string gender)
{
    public string Name { get; } = name;
    public string Gender { get; } = gender;
    public byte[] Json { get; } = [.. JsonText.StringField("firstName", name), .. JsonText.StringField("gender", gender)];
}

/// <summary>Everything the simulation draws users and songs from: catalog, names, places, user agents.</summary>
internal sealed class World
{
    public required Song[] Songs { get; init; }
    public required double[] SongWeights { get; init; }
    public required Place[] Places { get; init; }
    public required double[] PlaceWeights { get; init; }
    public required FirstName[] FirstNames { get; init; }
    public required double[] FirstNameWeights { get; init; }
    public required string[] LastNames { get; init; }
    public required double[] LastNameWeights { get; init; }
    public required string[] UserAgents { get; init; }
    public required double[] UserAgentWeights { get; init; }
    /// <summary>Where each part came from (built in or a file), for the run's summary.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    private AliasTable? _songs, _places, _first, _last, _agents;
    private byte[][]? _lastJson, _agentJson;

    public AliasTable SongTable => _songs ??= new AliasTable(SongWeights);
    public AliasTable PlaceTable => _places ??= new AliasTable(PlaceWeights);
    public AliasTable FirstNameTable => _first ??= new AliasTable(FirstNameWeights);
    public AliasTable LastNameTable => _last ??= new AliasTable(LastNameWeights);
    public AliasTable UserAgentTable => _agents ??= new AliasTable(UserAgentWeights);
    public byte[][] LastNameJson => _lastJson ??= LastNames.Select(n => JsonText.StringField("lastName", n)).ToArray();
    public byte[][] UserAgentJson => _agentJson ??= UserAgents.Select(a => JsonText.StringField("userAgent", a)).ToArray();

    /// <summary>Builds every lazy table now, so worker threads only read.</summary>
    public World Prepare()
    {
        _ = SongTable; _ = PlaceTable; _ = FirstNameTable; _ = LastNameTable; _ = UserAgentTable; _ = LastNameJson; _ = UserAgentJson;
        return this;
    }
}
