using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Parsing;
using Rhythmic.SpeedLayer.Aggregation;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>
/// The allocation-free path (SpeedParser.TryParseFields + integer-keyed aggregates) against the general one
/// (EventParser.TryParse into an EventRecord + MinuteAggregates.Add): it may decline more, never accept more, and
/// what it accepts it counts the same.
/// </summary>
public sealed class FastPathTests
{
    private static readonly EventParserOptions Options = new() { Clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(TestEvents.BaseTs)) };

    // Pieces that make an event unusual or invalid when dropped in anywhere.
    private static readonly string[] Snippets =
    [
        " ", "\n", "\\u0041", "\\\"", "null", "1e5", "1E400", "-", "0", "01", ".5", "1.", "{}", "[1]", "{\"a\":[1,{\"b\":2}]}", "\"x\":1,",
        ",", ":", "\"", "}", "{", "true", "fals", "é", "\u0001", "99999999999999999999", "3000000000", "-0", "\"ts\":null,", "\"gender\":null,",
        "\"userId\":null,", "\"level\":7,", "\"page\":\"NextSong\",", "\"success\":false,", "\"status\":404,", "\"ts\":1,",
        // Values of the right type outside their field's domain, or breaking a rule between fields.
        "\"level\":\"gold\",", "\"level\":\"\",", "\"gender\":\"X\",", "\"status\":500,", "\"method\":\"POST\",", "\"page\":\"Checkout\",",
        "\"auth\":\"Guest\",", "\"auth\":\"Logged In\",", "\"auth\":\"Admin\",", "\"state\":\"Mass\",", "\"zip\":\"\",", "\"lat\":90.5,", "\"lat\":90,",
        "\"lon\":-180.0,", "\"lon\":180.01,", "\"duration\":0,", "\"duration\":0.001,", "\"duration\":-3.5,", "\"duration\":86400.0,",
        "\"duration\":86400.5,", "\"itemInSession\":-1,", "\"sessionId\":-1,", "\"userId\":0,", "\"registration\":9999999999999,",
        "\"artist\":\"\",", "\"artist\":null,", "\"song\":\"x\",", "\"gender\":\"F\",", "\"success\":true,",
    ];

    [Fact]
    public void The_fast_path_accepts_only_what_the_parser_accepts_and_reads_the_same_values()
    {
        var gen =
            from topic in Gen.Elements(Topics.All.ToArray())
            from user in Gen.Choose(0, 50)
            from kind in Gen.Choose(0, 4)
            from at in Gen.Choose(0, 10_000)
            from b in Gen.Choose(0, 255)
            from snippet in Gen.Elements(Snippets)
            select (topic, user, kind, at, (byte)b, snippet);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var valid = new TestEvent
            {
                Topic = t.topic, UserId = t.user == 0 ? null : t.user, Gender = t.user % 2 == 0 ? "M" : null, Artist = "Björk", Song = "Jóga",
                Page = t.user % 3 == 0 ? "NextSong" : "Home", ItemInSession = t.user % 4,
            }.ToJson();
            var bytes = Mutate(valid, t.kind, t.at, t.Item5, t.snippet);
            return Agree(t.topic, bytes);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_long_lived_fast_path_guessing_the_order_of_names_accepts_only_what_the_parser_accepts()
    {
        // One parser for every message, as in the consumer: its guesses of the next name come from the messages before,
        // whose fields come in varying orders, shapes and spacing.
        var gen =
            from topic in Gen.Elements(Topics.All.ToArray())
            from user in Gen.Choose(0, 50)
            from order in Gen.Choose(0, 3)
            from spaced in Gen.Elements(false, false, false, true)
            from kind in Gen.Choose(0, 6)
            from at in Gen.Choose(0, 10_000)
            from b in Gen.Choose(0, 255)
            from snippet in Gen.Elements(Snippets)
            select (topic, user, order, spaced, kind, at, (byte)b, snippet);
        var parser = new SpeedParser(Options);
        Prop.ForAll(Gen.ListOf(gen).ToArbitrary(), messages => messages.All(t =>
        {
            var valid = new TestEvent
            {
                Topic = t.topic, UserId = t.user == 0 ? null : t.user, Gender = t.user % 2 == 0 ? "M" : null,
                Page = t.user % 3 == 0 ? "NextSong" : "Home", ItemInSession = t.user % 4,
            }.ToJson();
            var json = System.Text.Json.Nodes.JsonNode.Parse(valid)!.AsObject();
            var properties = json.Select(p => (p.Key, Value: p.Value!.DeepClone())).ToList();
            var reordered = t.order switch
            {
                1 => properties.AsEnumerable().Reverse().ToList(),
                2 => [.. properties.Skip(3), .. properties.Take(3)],
                3 => [.. properties.OrderBy(p => p.Key, StringComparer.Ordinal)],
                _ => properties,
            };
            var text = new System.Text.Json.Nodes.JsonObject(reordered.Select(p => KeyValuePair.Create(p.Key, (System.Text.Json.Nodes.JsonNode?)p.Value)))
                .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = t.spaced, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var bytes = Mutate(Encoding.UTF8.GetBytes(text), t.kind, t.at, t.Item7, t.snippet);
            // An unchanged message is of the common shape: the fast path must take it, whatever came before.
            return Agree(t.topic, bytes, parser) && (t.kind != 0 || parser.TryParseFields(t.topic, bytes, ref Scratch.Fields));
        })).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("itemInSession", "2147483647", true)]
    [InlineData("itemInSession", "1198941589", true)]
    [InlineData("itemInSession", "2147483648", false)]
    [InlineData("itemInSession", "-2147483648", false)] // fits, but is negative
    [InlineData("itemInSession", "9999999999", false)]
    [InlineData("status", "2147483648", false)]
    public void The_fast_path_takes_a_ten_digit_int_field_exactly_when_it_fits_an_int_as_the_parser_does(string field, string number, bool fits)
    {
        var valid = Encoding.UTF8.GetString(new TestEvent { Topic = Topics.PageView, UserId = 7, Status = 404, ItemInSession = 12 }.ToJson());
        var bytes = Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(valid, $"\"{field}\":[-0-9.]+", $"\"{field}\":{number}"));
        var fields = new EventFields();
        Assert.Equal(fits, new SpeedParser(Options).TryParseFields(Topics.PageView, bytes, ref fields));
        Assert.Equal(fits, new EventParser(Options).TryParse(Topics.PageView, bytes, new EventRecord(), out _));
        if (fits) Assert.Equal(int.Parse(number), field == "status" ? fields.Status : fields.ItemInSession);
    }

    [Fact]
    public void The_fast_path_reads_numbers_of_any_length_as_the_parser_does()
    {
        var digits = Gen.Elements('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        var gen =
            from field in Gen.Elements("ts", "sessionId", "itemInSession", "userId", "registration", "status", "duration", "lon")
            from minus in Gen.Elements(false, false, true)
            from integer in Gen.Choose(1, 20).SelectMany(n => Gen.ArrayOf(digits, n))
            from fraction in Gen.OneOf(Gen.Constant(""), Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(digits, n)).Select(f => "." + new string(f)))
            from ts in Gen.Choose(0, 1_000_000_000)
            from topic in Gen.Elements(Topics.Listen, Topics.PageView)
            select (field, number: (minus ? "-" : "") + new string(integer) + fraction, ts: TestEvents.BaseTs - ts, topic);
        var parser = new SpeedParser(Options);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var valid = Encoding.UTF8.GetString(new TestEvent { Topic = t.topic, UserId = 7, Ts = t.ts, Status = 404, ItemInSession = 12 }.ToJson());
            var json = System.Text.RegularExpressions.Regex.Replace(valid, $"\"{t.field}\":[-0-9.]+", $"\"{t.field}\":{t.number}");
            var bytes = Encoding.UTF8.GetBytes(json);
            var plain = t.number.TrimStart('-').Split('.')[0].Length <= 18; // longer integers are left to TryParse
            return Agree(t.topic, bytes) && Agree(t.topic, bytes, parser) && Agree(t.topic, Encoding.UTF8.GetBytes(valid), parser)
                && (!plain || !new EventParser(Options).TryParse(t.topic, bytes, new EventRecord(), out _) || parser.TryParseFields(t.topic, bytes, ref Scratch.Fields));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_bad_message_of_the_parser_tests_is_declined_by_the_fast_path()
    {
        var listen = Encoding.UTF8.GetString(new TestEvent { Topic = Topics.Listen, UserId = 42, Gender = "F" }.ToJson());
        var ts = TestEvents.BaseTs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] bad =
        [
            "", "[1,2]", "{\"ts\":17", "{\"ts\":1} x", "not json", "{}",
            listen.Replace("\"zip\":\"02134\"", "\"zip\":2134"),
            listen.Replace($"\"ts\":{ts}", $"\"ts\":\"{ts}\""),
            listen.Replace($"\"ts\":{ts}", $"\"ts\":{ts}.5"),
            listen.Replace("\"itemInSession\":0", "\"itemInSession\":3000000000"),
            listen.Replace("\"duration\":200.5", "\"duration\":\"long\""),
            listen.Replace("\"level\":\"free\"", "\"level\":null"),
            listen.Replace($"\"ts\":{ts}", $"\"ts\":{TestEvents.BaseTs + 86_401_000}"),
            listen.Replace($"\"ts\":{ts}", "\"ts\":1709294400"),
            listen.Replace("\"artist\":\"Artist\",", ""),
            listen.Replace("\"level\":\"free\",", ""),
            listen.Replace("\"zip\":\"02134\",", ""),
        ];
        foreach (var json in bad) Assert.True(Agree(Topics.Listen, Encoding.UTF8.GetBytes(json)), json);
        var invalidUtf8 = Encoding.UTF8.GetBytes(listen).ToList();
        var at = invalidUtf8.IndexOf((byte)'B');
        invalidUtf8[at] = 0xC3; invalidUtf8.Insert(at + 1, 0x28);
        Assert.False(new SpeedParser(Options).TryParseFields(Topics.Listen, invalidUtf8.ToArray(), ref Scratch.Fields));
        Assert.False(new SpeedParser(new EventParserOptions { MaxMessageBytes = 100 }).TryParseFields(Topics.Listen, Encoding.UTF8.GetBytes(listen), ref Scratch.Fields));
        Assert.False(new SpeedParser(Options).TryParseFields("nope", Encoding.UTF8.GetBytes(listen), ref Scratch.Fields));
        Assert.False(new SpeedParser(Options).TryParseFields(Topics.Auth, new TestEvent { Topic = Topics.Listen }.ToJson(), ref Scratch.Fields));
    }

    [Fact]
    public void The_processor_counts_the_same_aggregates_as_the_general_path_even_with_bad_and_unusual_messages()
    {
        var gen =
            from seed in Gen.Choose(1, 1_000_000)
            from mutations in Gen.ListOf(
                from index in Gen.Choose(0, 199)
                from kind in Gen.Choose(0, 4)
                from at in Gen.Choose(0, 10_000)
                from snippet in Gen.Elements(Snippets)
                select (index, kind, at, snippet))
            select (seed, mutations);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var events = TestEvents.Stream(200, minutes: 3, seed: t.seed).Select(e => (e.Topic, Json: e.ToJson())).ToArray();
            foreach (var (index, kind, at, snippet) in t.mutations)
                events[index].Json = Mutate(events[index].Json, kind, at, (byte)(at % 256), snippet);

            // No event late: the general path has no watermark. A mutated ts can go back to the earliest the parsers accept
            // (2000-01-01): a year of lateness let a ts of 2001 be dropped by the processor and counted by the general path.
            var lateness = (int)((TestEvents.BaseTs - Options.MinTimestampMs) / 1000) + 86_400;
            var processor = new SpeedProcessor(new SpeedSettings { AllowedLatenessSeconds = lateness }, Options.Clock);
            foreach (var topic in Topics.All) processor.Assign(topic, 0, null);
            var general = new MinuteAggregates();
            var parser = new SpeedParser(Options);
            var record = new EventRecord();
            var dead = 0;
            for (var i = 0; i < events.Length; i++)
            {
                processor.Process(events[i].Topic, 0, i, events[i].Json);
                if (parser.TryParse(events[i].Topic, events[i].Json, record, out _)) general.Add(record);
                else dead++;
            }
            return Show(processor.Pending).SequenceEqual(Show(general)) && (processor.TakeBatch()?.DeadLetters.Count ?? 0) == dead;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_warm_processor_allocates_nothing_per_event()
    {
        var events = TestEvents.Stream(2000, minutes: 3, seed: 5).Select(e => (e.Topic, Json: e.ToJson())).ToArray();
        var processor = new SpeedProcessor(new SpeedSettings { AllowedLatenessSeconds = 86_400 }, Options.Clock);
        foreach (var topic in Topics.All) processor.Assign(topic, 0, null);
        var offsets = new Dictionary<string, long>();   // each partition's offsets run on without holes, as in Kafka
        foreach (var topic in Topics.All) offsets[topic] = 0;
        void Pass()
        {
            foreach (var (topic, json) in events) processor.Process(topic, 0, offsets[topic]++, json);
            processor.Committed();
        }
        Pass();
        Pass();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Pass();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>
    /// True when the fast path (of <paramref name="parser"/>, or of a new parser) declines, or accepts what TryParse
    /// accepts with the values TryParse reads.
    /// </summary>
    private static bool Agree(string topic, byte[] json, SpeedParser? parser = null)
    {
        var fields = new EventFields();
        var fast = (parser ?? new SpeedParser(Options)).TryParseFields(topic, json, ref fields);
        var record = new EventRecord();
        var general = new EventParser(Options).TryParse(topic, json, record, out _);
        if (!fast) return true;
        string S(Utf8Slice s) => Encoding.UTF8.GetString(s.Of(json));
        return general && fields.Ts == record.Ts && fields.SessionId == record.SessionId && fields.ItemInSession == record.ItemInSession
            && (fields.HasUserId ? fields.UserId : (long?)null) == record.UserId && S(fields.Level) == record.Level && S(fields.State) == record.State
            && (fields.HasGender ? S(fields.Gender) : null) == record.Gender
            && (record.Artist is null || S(fields.Artist) == record.Artist) && (record.Song is null || S(fields.Song) == record.Song)
            && (record.Page is null || S(fields.Page) == record.Page) && (record.Auth is null || S(fields.Auth) == record.Auth)
            && (record.Status is null || fields.Status == record.Status) && (record.Success is null || fields.Success == record.Success);
    }

    private static byte[] Mutate(byte[] valid, int kind, int at, byte b, string snippet)
    {
        var pos = at % (valid.Length + 1);
        var bytes = valid.ToList();
        switch (kind)
        {
            case 0: return valid; // unchanged
            case 1: if (pos < bytes.Count) bytes[pos] = b; break; // one byte changed
            case 2: bytes.RemoveRange(pos, bytes.Count - pos); break; // cut
            default: bytes.InsertRange(pos, Encoding.UTF8.GetBytes(snippet)); break; // something dropped in
        }
        return [.. bytes];
    }

    private static List<string> Show(MinuteAggregates a) =>
    [
        .. a.Listens.Select(x => $"L {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        .. a.SongPlays.Select(x => $"S {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        .. a.ArtistPlays.Select(x => $"A {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        .. a.ActiveUsers.Select(x => $"U {x}").Order(StringComparer.Ordinal),
        .. a.PageViews.Select(x => $"P {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        .. a.Logins.Select(x => $"I {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        .. a.LevelChanges.Select(x => $"C {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        .. a.SessionsStarted.Select(x => $"N {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        .. a.Late.Select(x => $"X {x.Key}={x.Value}").Order(StringComparer.Ordinal),
        $"events={a.Events} late={a.LateEvents}",
    ];

    private static class Scratch
    {
        public static EventFields Fields;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
