using System.Text.Json;
using Rhythmic.Core.Events;

namespace Rhythmic.Simulator.Tests;

public sealed class SchemaTests
{
    private static readonly string[] UserFields = ["userId", "firstName", "lastName", "gender", "registration"];

    [Fact]
    public async Task Every_event_has_exactly_its_topics_fields_with_their_json_types()
    {
        var (_, events) = await SharedRun.GetAsync();
        foreach (var topic in Topics.All)
        {
            var fields = EventSchema.For(topic).ToDictionary(f => f.Name);
            var ofTopic = events.Where(e => e.Topic == topic).ToList();
            Assert.NotEmpty(ofTopic);
            foreach (var e in ofTopic)
            {
                foreach (var property in e.Json.EnumerateObject())
                {
                    Assert.True(fields.TryGetValue(property.Name, out var field), $"{topic} has unexpected field {property.Name}");
                    Assert.True(HasType(property.Value, field!.Type), $"{topic}.{property.Name} is {property.Value.ValueKind}, not {field.Type}");
                }
                foreach (var required in fields.Values.Where(f => f.Required))
                    Assert.True(e.Json.TryGetProperty(required.Name, out _), $"{topic} lacks {required.Name}: {e.Json}");
            }
        }
    }

    [Fact]
    public async Task User_fields_are_all_present_for_logged_in_and_cancelled_users_and_absent_otherwise()
    {
        var (_, events) = await SharedRun.GetAsync();
        Assert.Contains(events, e => e.Auth == "Guest");
        Assert.Contains(events, e => e.Auth == "Logged Out");
        foreach (var e in events.Where(e => e.Auth is not null))
        {
            var shown = e.Auth is "Logged In" or "Cancelled";
            foreach (var f in UserFields) Assert.Equal(shown, e.Json.TryGetProperty(f, out _));
        }
        // auth events carry no auth: a successful login shows the user, a failed one does not.
        foreach (var e in events.Where(e => e.Topic == Topics.Auth))
            Assert.Equal(e.Json.GetProperty("success").GetBoolean(), e.Json.TryGetProperty("userId", out _));
    }

    [Fact]
    public async Task Keys_are_the_user_id_or_the_session_id_of_guests()
    {
        var (_, events) = await SharedRun.GetAsync();
        foreach (var e in events) Assert.Equal((e.UserId ?? e.SessionId).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Key);
    }

    [Fact]
    public async Task Zip_is_a_five_digit_string_with_leading_zeros_kept_and_coordinates_are_in_the_us()
    {
        var (_, events) = await SharedRun.GetAsync();
        var zips = events.Select(e => e.Json.GetProperty("zip")).ToList();
        Assert.All(zips, z => Assert.Matches("^[0-9]{5}$", z.GetString()!));
        Assert.Contains(zips, z => z.GetString()!.StartsWith('0'));
        Assert.All(events, e => Assert.Matches("^[A-Z]{2}$", e.Json.GetProperty("state").GetString()!));
        Assert.All(events, e => Assert.InRange(e.Json.GetProperty("lat").GetDouble(), 18.0, 72.0));
        Assert.All(events, e => Assert.InRange(e.Json.GetProperty("lon").GetDouble(), -180.0, -60.0));
    }

    [Fact]
    public async Task Timestamps_are_utc_epoch_milliseconds_inside_the_span_and_in_order()
    {
        var (_, events) = await SharedRun.GetAsync();
        var from = SharedRun.From.ToUnixTimeMilliseconds();
        var to = SharedRun.From.AddDays(SharedRun.Days).ToUnixTimeMilliseconds();
        long last = 0;
        foreach (var e in events)
        {
            var ts = e.Json.GetProperty("ts").GetInt64();
            Assert.Equal(e.Ts, ts);
            Assert.InRange(ts, from, to - 1);
            Assert.True(ts >= last, "the merged stream is ordered by time");
            last = ts;
        }
    }

    [Fact]
    public async Task Method_and_status_are_fixed_per_page_as_in_eventsim()
    {
        var (_, events) = await SharedRun.GetAsync();
        var expected = new Dictionary<string, (string, int)>
        {
            ["Home"] = ("GET", 200), ["About"] = ("GET", 200), ["Help"] = ("GET", 200), ["Settings"] = ("GET", 200),
            ["Upgrade"] = ("GET", 200), ["Downgrade"] = ("GET", 200), ["Register"] = ("GET", 200), ["Cancellation Confirmation"] = ("GET", 200),
            ["Error"] = ("GET", 404), ["Login"] = ("PUT", 307), ["Logout"] = ("PUT", 307), ["Save Settings"] = ("PUT", 307),
            ["Submit Registration"] = ("PUT", 307), ["Submit Upgrade"] = ("PUT", 307), ["Submit Downgrade"] = ("PUT", 307), ["Cancel"] = ("PUT", 307),
            ["NextSong"] = ("PUT", 200), ["Thumbs Up"] = ("PUT", 307), ["Thumbs Down"] = ("PUT", 307), ["Add Friend"] = ("PUT", 307),
            ["Add to Playlist"] = ("PUT", 200), ["Roll Advert"] = ("GET", 200),
        };
        foreach (var e in events.PageViews())
        {
            Assert.True(expected.TryGetValue(e.Page!, out var ms), $"unexpected page {e.Page}");
            Assert.Equal(ms, (e.Json.GetProperty("method").GetString()!, e.Json.GetProperty("status").GetInt32()));
            Assert.Equal(e.Page == "NextSong", e.Json.TryGetProperty("song", out _));
        }
        Assert.Equal(expected.Keys.Order(), events.PageViews().Select(e => e.Page!).Distinct().Order());
    }

    private static bool HasType(JsonElement value, FieldType type) => type switch
    {
        FieldType.Long or FieldType.Int => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        FieldType.Double => value.ValueKind == JsonValueKind.Number,
        FieldType.String => value.ValueKind == JsonValueKind.String,
        FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => false,
    };
}
