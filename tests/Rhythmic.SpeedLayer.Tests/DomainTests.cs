using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Parsing;
using Rhythmic.Simulator;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>
/// Domain validation (EventDomains) on both paths of the one parser: the simulator's events, mutated one field at a time
/// into a value of the right JSON type outside the field's domain (or into null, or dropped), are refused by TryParse
/// with a reason naming the field, declined by the fast path, and dead-lettered by the speed layer with that same
/// reason; mutated within the domain, they are still accepted by both.
/// </summary>
public sealed class DomainTests
{
    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(500);
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Escaped = new() { Encoder = JavaScriptEncoder.Default }; // non-ASCII as \uXXXX: TryParse only

    /// <summary>Simulator events of several seeds, with guests (growth), churn (attrition) and the interaction pages.</summary>
    private static readonly Lazy<(string Topic, string Json)[]> Pool = new(() => SimulatorEvents(seeds: 6, users: 60));

    private static (string Topic, string Json)[] SimulatorEvents(int seeds, int users)
    {
        var all = new List<(string, string)>();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var sink = new MemorySink();
            var from = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero);
            new Simulation(new SimulationOptions { Users = users, From = from, To = from.AddDays(2), Seed = seed, Workers = 1, GrowthRate = 20, AttritionRate = 0.9 })
                .RunAsync(sink, CancellationToken.None).GetAwaiter().GetResult();
            all.AddRange(sink.Pairs);
        }
        return [.. all];
    }

    [Fact]
    public void Every_event_the_simulator_emits_over_many_seeds_is_accepted_by_both_paths()
    {
        var events = SimulatorEvents(seeds: 20, users: 40);
        Assert.Contains(events, e => e.Json.Contains("\"Guest\"", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Json.Contains("\"Roll Advert\"", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Json.Contains("\"success\":false", StringComparison.Ordinal));
        var parser = new SpeedParser();
        var record = new EventRecord();
        var fields = new EventFields();
        foreach (var (topic, json) in events)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            Assert.True(parser.TryParse(topic, bytes, record, out var reason), $"{reason}: {json}");
            Assert.True(parser.TryParseFields(topic, bytes, ref fields), $"the fast path declined {json}");
        }
    }

    /// <summary>What a mutation does to the one field it touches.</summary>
    private enum Change { OutOfDomain, Null, Drop, WithinDomain }

    [Fact]
    public void A_field_mutated_out_of_its_domain_is_refused_by_both_paths_and_dead_lettered_with_a_reason_naming_it()
    {
        var gen =
            from index in Gen.Choose(0, Pool.Value.Length - 1)
            from change in Gen.Elements(Change.OutOfDomain, Change.OutOfDomain, Change.Null, Change.Drop)
            from pick in Gen.Choose(0, 1000)
            from escaped in Gen.Elements(false, false, false, true)
            let e = Pool.Value[index]
            let json = JsonNode.Parse(e.Json)!.AsObject()
            // Out of the domain: any field of the topic (an absent one is added); null or dropped: one that is there.
            let names = change == Change.OutOfDomain
                ? EventSchema.For(e.Topic).Select(f => f.Name).ToArray()
                : json.Select(p => p.Key).ToArray()
            let field = names[pick % names.Length]
            from value in OutOfDomain(field, json)
            select (e.Topic, json, field, change, value, escaped);
        Check.One(Many, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var mutated = Mutate(t.json, t.field, t.change, t.value);
            var bytes = Encoding.UTF8.GetBytes(mutated.ToJsonString(t.escaped ? Escaped : Plain));
            var shown = $"{t.change} {t.field}: {Encoding.UTF8.GetString(bytes)}";
            var parser = new SpeedParser();
            if (parser.TryParse(t.Topic, bytes, new EventRecord(), out var reason)) return false.Label($"accepted {shown}");
            var fields = new EventFields();
            if (parser.TryParseFields(t.Topic, bytes, ref fields)) return false.Label($"fast path accepted {shown}");
            if (!Regex.IsMatch(reason, $@"\b{t.field}\b")) return false.Label($"reason '{reason}' does not name {shown}");
            var deadLetter = DeadLetterReason(t.Topic, bytes);
            return (deadLetter == reason).Label($"speed layer: '{deadLetter}', parser: '{reason}' for {shown}");
        }));
    }

    [Fact]
    public void A_field_mutated_within_its_domain_is_still_accepted_by_both_paths_with_the_same_values()
    {
        var gen =
            from index in Gen.Choose(0, Pool.Value.Length - 1)
            from pick in Gen.Choose(0, 1000)
            let e = Pool.Value[index]
            let json = JsonNode.Parse(e.Json)!.AsObject()
            let names = json.Select(p => p.Key).ToArray()
            let field = names[pick % names.Length]
            from value in WithinDomain(field, json)
            select (e.Topic, json, field, value);
        Check.One(Many, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var bytes = Encoding.UTF8.GetBytes(Mutate(t.json, t.field, Change.WithinDomain, t.value).ToJsonString(Plain));
            var shown = $"{t.field}: {Encoding.UTF8.GetString(bytes)}";
            var parser = new SpeedParser();
            var record = new EventRecord();
            if (!parser.TryParse(t.Topic, bytes, record, out var reason)) return false.Label($"refused ({reason}) {shown}");
            var fields = new EventFields();
            if (!parser.TryParseFields(t.Topic, bytes, ref fields)) return false.Label($"fast path declined {shown}");
            string S(Utf8Slice s) => Encoding.UTF8.GetString(s.Of(bytes));
            return (fields.Ts == record.Ts && S(fields.Level) == record.Level && S(fields.State) == record.State
                && (fields.HasUserId ? fields.UserId : (long?)null) == record.UserId && (record.Page is null || S(fields.Page) == record.Page)
                && (record.Status is null || fields.Status == record.Status)).Label($"values differ for {shown}");
        }));
    }

    [Theory]
    [InlineData(Topics.Listen, "level", "\"gold\"", "level 'gold' is not one of free, paid")]
    [InlineData(Topics.Listen, "duration", "-1", "duration -1 is not a positive finite number of seconds")]
    [InlineData(Topics.Listen, "duration", "0", "duration 0 is not a positive finite number of seconds")]
    [InlineData(Topics.Listen, "duration", "90000.5", "duration 90000.5 is longer than a day (86400 s)")]
    [InlineData(Topics.Listen, "gender", "\"X\"", "gender 'X' is not one of M, F")]
    [InlineData(Topics.Listen, "auth", "\"Admin\"", "auth 'Admin' is not one of Logged In, Logged Out, Guest, Cancelled")]
    [InlineData(Topics.Listen, "auth", "\"Guest\"", "user fields are present but auth is 'Guest' (only Logged In, Cancelled carry them)")]
    [InlineData(Topics.Listen, "state", "\"Mass\"", "state 'Mass' is not a two-letter upper-case code")]
    [InlineData(Topics.Listen, "state", "\"ma\"", "state 'ma' is not a two-letter upper-case code")]
    [InlineData(Topics.Listen, "zip", "\"\"", "zip is an empty string")]
    [InlineData(Topics.Listen, "artist", "\"\"", "artist is an empty string")]
    [InlineData(Topics.Listen, "lat", "90.5", "lat 90.5 is not a latitude in [-90, 90]")]
    [InlineData(Topics.Listen, "lon", "-180.25", "lon -180.25 is not a longitude in [-180, 180]")]
    [InlineData(Topics.Listen, "itemInSession", "-1", "itemInSession -1 is negative")]
    [InlineData(Topics.Listen, "sessionId", "-3", "sessionId -3 is negative")]
    [InlineData(Topics.Listen, "userId", "0", "userId 0 is not positive")]
    [InlineData(Topics.Listen, "registration", "1709380800000", "registration 2024-03-02T12:00:00.000Z is after ts 2024-03-01T12:00:00.000Z")]
    [InlineData(Topics.Listen, "gender", "null", "user fields come together: 'gender' is absent while 'userId' is present")]
    [InlineData(Topics.PageView, "method", "\"POST\"", "method 'POST' is not one of GET, PUT")]
    [InlineData(Topics.PageView, "status", "500", "status 500 is not one of 200, 307, 404")]
    [InlineData(Topics.PageView, "page", "\"Checkout\"", "page 'Checkout' is not a known page")]
    [InlineData(Topics.PageView, "page", "\"NextSong\"", "page 'NextSong' lacks 'artist'")]
    [InlineData(Topics.Auth, "success", "false", "user fields are present but success is false (a failed login carries none)")]
    public void A_refusal_names_the_field_and_its_value(string topic, string field, string value, string expected)
    {
        var json = JsonNode.Parse(new TestEvent { Topic = topic, UserId = 42, Page = "Home" }.ToJson())!.AsObject();
        json[field] = JsonNode.Parse(value);
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString(Plain));
        Assert.False(new EventParser().TryParse(topic, bytes, new EventRecord(), out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(expected, DeadLetterReason(topic, bytes));
        var fields = new EventFields();
        Assert.False(new SpeedParser().TryParseFields(topic, bytes, ref fields));
    }

    [Fact]
    public void A_guest_with_user_fields_and_a_logged_in_user_without_them_are_refused()
    {
        var guest = JsonNode.Parse(new TestEvent { Topic = Topics.PageView, UserId = 42, Auth = "Logged Out" }.ToJson())!.ToJsonString();
        Assert.Equal("user fields are present but auth is 'Logged Out' (only Logged In, Cancelled carry them)", DeadLetterReason(Topics.PageView, Encoding.UTF8.GetBytes(guest)));
        var anonymous = new TestEvent { Topic = Topics.StatusChange, Auth = "Logged In" }.ToJson();
        Assert.Equal("user fields are absent but auth is 'Logged In' (which carries them)", DeadLetterReason(Topics.StatusChange, anonymous));
        var login = new TestEvent { Topic = Topics.Auth, Success = true }.ToJson();
        Assert.Equal("user fields are absent but success is true (a successful login carries them)", DeadLetterReason(Topics.Auth, login));
    }

    [Fact]
    public void A_long_or_unprintable_value_is_cut_and_escaped_in_the_reason()
    {
        var json = JsonNode.Parse(new TestEvent { Topic = Topics.Listen }.ToJson())!.AsObject();
        json["level"] = new string('x', 100) + "\0";
        Assert.False(new EventParser().TryParse(Topics.Listen, Encoding.UTF8.GetBytes(json.ToJsonString()), new EventRecord(), out var reason));
        Assert.Equal($"level '{new string('x', 64)}'... (101 characters) is not one of free, paid", reason);
        json["level"] = "fr\u0000ee";
        Assert.False(new EventParser().TryParse(Topics.Listen, Encoding.UTF8.GetBytes(json.ToJsonString()), new EventRecord(), out reason));
        Assert.Equal("level 'fr\\u0000ee' is not one of free, paid", reason);
    }

    [Theory]
    [InlineData("", "empty message")]
    [InlineData("null", "malformed event: expected a JSON object, found Null")]
    [InlineData("{}", "missing required field 'ts'")]
    public void An_empty_message_or_a_json_null_is_refused_by_both_paths_on_every_topic(string message, string expected)
    {
        foreach (var topic in Topics.All)
        {
            var bytes = Encoding.UTF8.GetBytes(message);
            Assert.False(new EventParser().TryParse(topic, bytes, new EventRecord(), out var reason));
            Assert.Equal(expected, reason);
            var fields = new EventFields();
            Assert.False(new SpeedParser().TryParseFields(topic, bytes, ref fields));
            Assert.Equal(expected, DeadLetterReason(topic, bytes));
        }
    }

    [Fact]
    public void Every_page_the_simulator_can_emit_is_in_the_domain_and_nothing_else_is()
    {
        var pages = Pool.Value.Where(e => e.Topic == Topics.PageView)
            .Select(e => JsonNode.Parse(e.Json)!["page"]!.GetValue<string>()).ToHashSet();
        Assert.Subset(EventDomains.Pages.ToHashSet(), pages);
        Assert.Contains("Thumbs Up", pages);
        Assert.Contains(EventDomains.NextSong, pages);
    }

    /// <summary>The reason the speed layer's processor dead-letters <paramref name="json"/> with (null when it counts it).</summary>
    private static string? DeadLetterReason(string topic, byte[] json)
    {
        var processor = new SpeedProcessor(new SpeedSettings());
        processor.Assign(topic, 0, null);
        processor.Process(topic, 0, 0, json);
        var dead = processor.TakeBatch()?.DeadLetters ?? [];
        if (dead.Count == 0) return null;
        Assert.Equal(0, processor.Pending.Events); // a dead letter is not counted
        return Assert.Single(dead).Reason;
    }

    private static JsonObject Mutate(JsonObject json, string field, Change change, JsonNode? value)
    {
        var copy = json.DeepClone().AsObject();
        switch (change)
        {
            case Change.Drop: copy.Remove(field); break;
            case Change.Null: copy[field] = null; break;
            default: copy[field] = value?.DeepClone(); break;
        }
        return copy;
    }

    private static bool HasUser(JsonObject e) => e.ContainsKey("userId");

    private static Gen<JsonNode?> Node<T>(Gen<T> gen) => gen.Select(v => (JsonNode?)JsonValue.Create(v));

    /// <summary>Any string but the ones <paramref name="inDomain"/> takes, and a few near misses.</summary>
    private static Gen<JsonNode?> StringOutside(Func<string, bool> inDomain, params string[] nearMisses)
        => Node(Gen.OneOf(Gen.Elements(nearMisses), ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get))
            .Where(s => !inDomain(s) && !s.Any(char.IsSurrogate))); // a lone surrogate is not text JSON can carry

    /// <summary>A value of the field's JSON type outside its domain, or one inside that breaks a rule between fields.</summary>
    private static Gen<JsonNode?> OutOfDomain(string field, JsonObject e)
    {
        var ts = e["ts"]!.GetValue<long>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sign = Gen.Elements(1.0, -1.0);
        return field switch
        {
            "ts" => Node(Gen.OneOf(Gen.Choose(0, int.MaxValue).Select(x => (long)x * 400), Gen.Choose(2, 1000).Select(d => now + d * 86_400_000L))),
            "sessionId" => Node(Gen.Choose(int.MinValue, -1).Select(x => (long)x * 3)),
            "itemInSession" => Node(Gen.Choose(int.MinValue, -1)),
            "userId" => Node(Gen.Choose(int.MinValue, 0).Select(x => (long)x)),
            "registration" => Node(Gen.Choose(1, int.MaxValue).Select(x => ts + x)),
            "status" => Node(Gen.Choose(-1000, 100_000).Where(s => !EventDomains.Statuses.Contains(s))),
            "lat" => Node(from s in sign from x in Gen.Choose(1, 100_000_000) select s * (90 + x / 1000.0)),
            "lon" => Node(from s in sign from x in Gen.Choose(1, 100_000_000) select s * (180 + x / 1000.0)),
            "duration" => Node(Gen.OneOf(Gen.Constant(0.0), Gen.Choose(1, 10_000_000).Select(x => -x / 100.0),
                Gen.Choose(1, 10_000_000).Select(x => EventDomains.MaxDurationSeconds + x / 100.0))),
            "level" => StringOutside(EventDomains.Levels.Contains, "", "Free", "PAID", "free ", "gold"),
            "gender" => StringOutside(EventDomains.Genders.Contains, "", "m", "X", "MF", "Male"),
            "method" => StringOutside(EventDomains.Methods.Contains, "", "POST", "get", "GET "),
            "state" => StringOutside(s => s.Length == 2 && s.All(c => c is >= 'A' and <= 'Z'), "", "M", "Mass", "ma", "M1", "NYC", "ÑY"),
            // A known auth of the other kind breaks the rule of the user fields.
            "auth" => Gen.OneOf(StringOutside(EventDomains.Auths.Contains, "", "logged in", "Admin", "Guest "),
                Node(Gen.Elements(HasUser(e) ? ["Guest", "Logged Out"] : EventDomains.UserAuths.ToArray()))),
            // NextSong on another page view, another page on a NextSong: the song fields are then wrong.
            "page" => Gen.OneOf(StringOutside(EventDomains.Pages.Contains, "", "home", "Next Song", "Checkout"),
                Node(Gen.Elements(e["page"]?.GetValue<string>() == EventDomains.NextSong ? EventDomains.Pages.Where(p => p != EventDomains.NextSong).ToArray() : [EventDomains.NextSong]))),
            "success" => Node(Gen.Constant(!(e["success"]?.GetValue<bool>() ?? false))),
            _ => Node(Gen.Constant("")), // city, zip, userAgent, names, artist, song: any text but none
        };
    }

    /// <summary>Another value of the field's domain that keeps the rules between fields.</summary>
    private static Gen<JsonNode?> WithinDomain(string field, JsonObject e)
    {
        var ts = e["ts"]!.GetValue<long>();
        var sign = Gen.Elements(1.0, -1.0);
        // Text the relaxed encoder writes unescaped, so the fast path takes it too.
        var text = Gen.Choose(1, 30).SelectMany(n => Gen.ArrayOf(Gen.Elements("abcXYZ 019.,'-/()&!?éøÖßñ日本".EnumerateRunes().Select(r => r.ToString()).ToArray()), n))
            .Select(parts => string.Concat(parts));
        return field switch
        {
            "ts" => Node(Gen.Choose(0, 100_000).Select(x => ts + x)),
            "sessionId" or "userId" => Node(Gen.Choose(1, int.MaxValue).Select(x => (long)x)),
            "itemInSession" => Node(Gen.Choose(0, int.MaxValue)),
            "registration" => Node(Gen.Choose(0, int.MaxValue).Select(x => ts - x)),
            "status" => Node(Gen.Elements(EventDomains.Statuses.ToArray())),
            "lat" => Node(from s in sign from x in Gen.Choose(0, 90_000_000) select s * x / 1_000_000.0),
            "lon" => Node(from s in sign from x in Gen.Choose(0, 180_000) select s * x / 1000.0),
            "duration" => Node(Gen.Choose(1, 8_640_000).Select(x => x / 100.0)),
            "level" => Node(Gen.Elements(EventDomains.Levels.ToArray())),
            "gender" => Node(Gen.Elements(EventDomains.Genders.ToArray())),
            "method" => Node(Gen.Elements(EventDomains.Methods.ToArray())),
            "state" => Node(from a in Gen.Choose('A', 'Z') from b in Gen.Choose('A', 'Z') select $"{(char)a}{(char)b}"),
            "auth" => Node(Gen.Elements(HasUser(e) ? EventDomains.UserAuths.ToArray() : ["Guest", "Logged Out"])),
            "page" => Node(Gen.Elements(e["page"]!.GetValue<string>() == EventDomains.NextSong ? [EventDomains.NextSong] : EventDomains.Pages.Where(p => p != EventDomains.NextSong).ToArray())),
            "success" => Node(Gen.Constant(e["success"]!.GetValue<bool>())),
            _ => Node(text),
        };
    }
}
