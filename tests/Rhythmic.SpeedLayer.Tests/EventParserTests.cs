using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Events;

namespace Rhythmic.SpeedLayer.Tests;

public sealed class EventParserTests
{
    private static readonly EventParser Parser = new(new EventParserOptions
    {
        Clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(TestEvents.BaseTs)),
    });

    private static (bool Ok, string? Reason, EventRecord Record) Parse(string topic, string json)
    {
        var record = new EventRecord();
        lock (Parser) return (Parser.TryParse(topic, Encoding.UTF8.GetBytes(json), record, out var reason), reason, record);
    }

    private static string Listen(string extra = "", string without = "")
    {
        var fields = new Dictionary<string, string>
        {
            ["ts"] = $"{TestEvents.BaseTs}", ["sessionId"] = "7", ["level"] = "\"paid\"", ["itemInSession"] = "3",
            ["city"] = "\"Boston\"", ["zip"] = "\"02134\"", ["state"] = "\"MA\"", ["userAgent"] = "\"UA\"", ["lon"] = "-71.1",
            ["lat"] = "42.3", ["userId"] = "42", ["firstName"] = "\"Zoë\"", ["lastName"] = "\"Ng\"", ["gender"] = "\"F\"",
            ["registration"] = "1700000000000", ["artist"] = "\"Björk\"", ["song"] = "\"Jóga\"", ["duration"] = "305.5", ["auth"] = "\"Logged In\"",
        };
        fields.Remove(without);
        return "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + extra + "}";
    }

    [Fact]
    public void A_listen_fills_every_field_with_its_type()
    {
        var (ok, reason, r) = Parse(Topics.Listen, Listen());
        Assert.True(ok, reason);
        Assert.Equal(TestEvents.BaseTs, r.Ts);
        Assert.Equal(7, r.SessionId);
        Assert.Equal("paid", r.Level);
        Assert.Equal(3, r.ItemInSession);
        Assert.Equal("02134", r.Zip);
        Assert.Equal(-71.1, r.Lon);
        Assert.Equal(42L, r.UserId);
        Assert.Equal("Zoë", r.FirstName);
        Assert.Equal(1700000000000L, r.Registration);
        Assert.Equal("Björk", r.Artist);
        Assert.Equal(305.5, r.Duration);
        Assert.Equal("Logged In", r.Auth);
        Assert.Null(r.Page);
        Assert.Null(r.Status);
        Assert.Equal(Topics.Listen, r.Topic);
    }

    [Fact]
    public void A_guest_event_has_no_user_fields()
    {
        var json = Listen().Replace("\"userId\":42,", "").Replace("\"firstName\":\"Zoë\",\"lastName\":\"Ng\",\"gender\":\"F\",\"registration\":1700000000000,", "")
            .Replace("Logged In", "Guest");
        var (ok, reason, r) = Parse(Topics.Listen, json);
        Assert.True(ok, reason);
        Assert.Null(r.UserId);
        Assert.Null(r.Gender);
        Assert.Null(r.Registration);
    }

    [Fact]
    public void Unknown_fields_are_ignored_whatever_their_shape()
        => Assert.True(Parse(Topics.Listen, Listen(",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"page\":\"NextSong\"")).Ok);

    [Fact]
    public void Escaped_strings_and_names_are_unescaped()
    {
        var (ok, reason, r) = Parse(Topics.Listen, Listen().Replace("\"artist\":\"Björk\"", "\"\\u0061rtist\":\"AC\\/DC \\\"live\\\"\""));
        Assert.True(ok, reason);
        Assert.Equal("AC/DC \"live\"", r.Artist);
    }

    [Theory]
    [InlineData("ts")]
    [InlineData("zip")]
    [InlineData("artist")]
    [InlineData("level")]
    public void A_missing_required_field_is_named(string field)
    {
        var (ok, reason, _) = Parse(Topics.Listen, Listen(without: field));
        Assert.False(ok);
        Assert.Equal($"missing required field '{field}'", reason);
    }

    [Fact]
    public void A_numeric_zip_is_refused()
    {
        var (ok, reason, _) = Parse(Topics.Listen, Listen().Replace("\"zip\":\"02134\"", "\"zip\":2134"));
        Assert.False(ok);
        Assert.StartsWith("field 'zip' must be a string", reason);
    }

    [Theory]
    [InlineData("\"ts\":1709294400000", "\"ts\":\"1709294400000\"", "field 'ts' must be an integer")]
    [InlineData("\"ts\":1709294400000", "\"ts\":1709294400000.5", "field 'ts' must be an integer")]
    [InlineData("\"itemInSession\":3", "\"itemInSession\":3000000000", "field 'itemInSession' must be an integer (32-bit)")]
    [InlineData("\"duration\":305.5", "\"duration\":\"long\"", "field 'duration' must be a number")]
    [InlineData("\"level\":\"paid\"", "\"level\":null", "field 'level' must be a string, not null")]
    public void A_mistyped_field_is_named(string from, string to, string expected)
    {
        var (ok, reason, _) = Parse(Topics.Listen, Listen().Replace(from, to));
        Assert.False(ok);
        Assert.StartsWith(expected, reason);
    }

    [Fact]
    public void A_null_optional_field_counts_as_absent()
    {
        var home = Encoding.UTF8.GetString(new TestEvent { Topic = Topics.PageView, Page = "Home" }.ToJson());
        var (ok, reason, r) = Parse(Topics.PageView, home.Replace("}", ",\"artist\":null,\"duration\":null}"));
        Assert.True(ok, reason);
        Assert.Null(r.Artist);
        Assert.Null(r.Duration);
        (ok, reason, _) = Parse(Topics.Listen, Listen().Replace("\"userId\":42", "\"userId\":null"));
        Assert.False(ok);
        Assert.Equal("user fields come together: 'userId' is absent while 'firstName' is present", reason);
    }

    [Fact]
    public void A_timestamp_more_than_a_day_ahead_is_refused()
    {
        var future = TestEvents.BaseTs + 86_401_000;
        var (ok, reason, _) = Parse(Topics.Listen, Listen().Replace($"\"ts\":{TestEvents.BaseTs}", $"\"ts\":{future}"));
        Assert.False(ok);
        Assert.Equal("ts 2024-03-02T12:00:01.000Z is more than 86400 s in the future", reason);
        Assert.True(Parse(Topics.Listen, Listen().Replace($"\"ts\":{TestEvents.BaseTs}", $"\"ts\":{future - 2000}")).Ok);
    }

    [Fact]
    public void A_timestamp_in_seconds_or_before_2000_is_refused()
    {
        var (ok, reason, _) = Parse(Topics.Listen, Listen().Replace($"\"ts\":{TestEvents.BaseTs}", "\"ts\":1709294400"));
        Assert.False(ok);
        Assert.Contains("is before the earliest accepted time 2000-01-01", reason);
    }

    [Theory]
    [InlineData("", "empty message")]
    [InlineData("[1,2]", "malformed event: expected a JSON object")]
    [InlineData("{\"ts\":17", "malformed JSON at byte")]
    [InlineData("{\"ts\":1} x", "malformed JSON at byte")]
    [InlineData("not json", "malformed JSON at byte 1")]
    public void Malformed_json_gives_its_position(string json, string expected)
    {
        var (ok, reason, _) = Parse(Topics.Listen, json);
        Assert.False(ok);
        Assert.StartsWith(expected, reason);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes(Listen()).ToList();
        var at = bytes.IndexOf((byte)'B'); // first letter of "Boston"
        bytes[at] = 0xC3; bytes.Insert(at + 1, 0x28);
        var record = new EventRecord();
        var ok = new EventParser().TryParse(Topics.Listen, bytes.ToArray(), record, out var reason);
        Assert.False(ok);
        Assert.Contains("UTF-8", reason);
    }

    [Theory]
    [InlineData("\"ci\\u0074", "y\":\"Boston\"")] // in an escaped name
    [InlineData("\"city\":\"B\\u006f", "ston\"")] // in an escaped value
    public void Invalid_utf8_in_an_escaped_name_or_value_is_refused_not_thrown(string before, string after)
    {
        // Found by FastPathTests: Utf8JsonReader.CopyString throws InvalidOperationException there, which escaped TryParse.
        var json = Encoding.UTF8.GetBytes("{\"ts\":1709294400000," + before).Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(after + "}")).ToArray();
        var ok = new EventParser().TryParse(Topics.Listen, json, new EventRecord(), out var reason);
        Assert.False(ok);
        Assert.Contains("UTF-8", reason);
    }

    [Fact]
    public void An_oversize_message_is_refused_before_parsing()
    {
        var parser = new EventParser(new EventParserOptions { MaxMessageBytes = 1024 });
        var ok = parser.TryParse(Topics.Listen, new byte[2000], new EventRecord(), out var reason);
        Assert.False(ok);
        Assert.Equal("message of 2000 bytes exceeds the limit of 1024 bytes", reason);
    }

    [Fact]
    public void Each_topic_requires_its_own_fields()
    {
        foreach (var topic in Topics.All)
        {
            var e = new TestEvent { Topic = topic, UserId = 5 };
            var (ok, reason, r) = Parse(topic, Encoding.UTF8.GetString(e.ToJson()));
            Assert.True(ok, $"{topic}: {reason}");
            Assert.Equal(topic == Topics.Auth ? true : null, r.Success);
        }
        var (authOk, authReason, _) = Parse(Topics.Auth, Encoding.UTF8.GetString(new TestEvent { Topic = Topics.Listen }.ToJson()));
        Assert.False(authOk);
        Assert.Equal("missing required field 'success'", authReason);
    }

    [Fact]
    public void An_unknown_topic_is_refused()
        => Assert.Equal("unknown topic 'nope'", Parse("nope", Listen()).Reason);

    [Fact]
    public void Repeated_values_come_back_as_the_same_string_instance()
    {
        var parser = new EventParser();
        var a = new EventRecord();
        var b = new EventRecord();
        var json = Encoding.UTF8.GetBytes(Listen());
        Assert.True(parser.TryParse(Topics.Listen, json, a, out _));
        Assert.True(parser.TryParse(Topics.Listen, json, b, out _));
        Assert.Same(a.City, b.City);
        Assert.Same(a.Artist, b.Artist);
    }

    [Fact]
    public void Any_valid_event_round_trips_through_the_parser()
    {
        var gen =
            from topic in Gen.Elements(Topics.All.ToArray())
            from ts in Gen.Choose(0, 1_000_000).Select(s => TestEvents.BaseTs - s * 1000L)
            from user in Gen.Choose(0, 1000)
            from text in ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get + ".") // any text but none
            from lon in Gen.Choose(-180_000, 180_000).Select(x => x / 1000.0)
            from item in Gen.Choose(0, 500)
            from page in Gen.Elements(EventDomains.Pages.ToArray())
            select new TestEvent
            {
                Topic = topic, Ts = ts, UserId = user == 0 ? null : user, SessionId = user * 7L, City = text, Artist = text + "!", Lon = lon,
                ItemInSession = item, Page = user % 2 == 0 ? "NextSong" : page,
            };
        Prop.ForAll(gen.ToArbitrary(), e =>
        {
            var r = new EventRecord();
            var ok = new EventParser(new EventParserOptions { Clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(TestEvents.BaseTs)) })
                .TryParse(e.Topic, e.ToJson(), r, out var reason);
            return ok && reason is null && r.Ts == e.Ts && r.City == e.City && r.UserId == e.UserId && r.Lon == e.Lon
                && r.ItemInSession == e.ItemInSession
                && (e.Topic != Topics.Listen || r.Artist == e.Artist)
                && (e.Topic != Topics.PageView || r.Page == e.Page)
                && (e.Topic != Topics.Auth || r.Success == e.Success);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_and_a_refusal_always_has_a_reason()
    {
        var valid = new TestEvent { Topic = Topics.PageView, UserId = 3 }.ToJson();
        var gen =
            from cut in Gen.Choose(0, valid.Length)
            from flip in Gen.Choose(0, valid.Length - 1)
            from b in Gen.Choose(0, 255)
            select (cut, flip, (byte)b);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var bytes = (byte[])valid.Clone();
            bytes[t.flip] = t.Item3;
            var ok = new EventParser().TryParse(Topics.PageView, bytes.AsSpan(0, t.cut), new EventRecord(), out var reason);
            return ok ? reason is null : !string.IsNullOrWhiteSpace(reason);
        }).QuickCheckThrowOnFailure();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
