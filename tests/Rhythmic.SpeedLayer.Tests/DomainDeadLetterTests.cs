using System.Text;
using System.Text.Json.Nodes;
using Rhythmic.Core.Events;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>The speed layer end to end (Kafka, consumer, PostgreSQL) with messages whose values lie outside their fields' domains.</summary>
public sealed class DomainDeadLetterTests
{
    /// <summary>Well-formed, well-typed messages that break a domain, each with the reason it must be dead-lettered with.</summary>
    public static (string Topic, string Reason, byte[]? Payload)[] OutOfDomain()
    {
        byte[] With(TestEvent e, string field, JsonNode? value)
        {
            var json = JsonNode.Parse(e.ToJson())!.AsObject();
            json[field] = value;
            return Encoding.UTF8.GetBytes(json.ToJsonString());
        }
        var listen = new TestEvent { Topic = Topics.Listen, UserId = 7, Ts = TestEvents.BaseTs + 30_000 };
        var view = new TestEvent { Topic = Topics.PageView, UserId = 7, Ts = TestEvents.BaseTs + 30_000 };
        return
        [
            (Topics.Listen, "level 'gold' is not one of free, paid", With(listen, "level", "gold")),
            (Topics.Listen, "gender 'X' is not one of M, F", With(listen, "gender", "X")),
            (Topics.Listen, "duration -1 is not a positive finite number of seconds", With(listen, "duration", -1)),
            (Topics.Listen, "state 'Massachusetts' is not a two-letter upper-case code", With(listen, "state", "Massachusetts")),
            (Topics.Listen, "user fields are present but auth is 'Guest' (only Logged In, Cancelled carry them)", With(listen, "auth", "Guest")),
            (Topics.PageView, "page 'Checkout' is not a known page", With(view, "page", "Checkout")),
            (Topics.PageView, "status 500 is not one of 200, 307, 404", With(view, "status", 500)),
            (Topics.PageView, "method 'POST' is not one of GET, PUT", With(view, "method", "POST")),
            (Topics.Auth, "user fields are present but success is false (a failed login carries none)", With(listen with { Topic = Topics.Auth }, "success", false)),
            (Topics.Listen, "empty message", null),
        ];
    }

    [Fact]
    public async Task Out_of_domain_messages_become_dead_letters_with_their_reason_and_are_not_counted()
    {
        await using var h = await SpeedHarness.StartAsync(partitions: 1);
        var good = TestEvents.Stream(200, minutes: 2, seed: 9);
        var bad = OutOfDomain();
        var messages = new List<(string, byte[], byte[]?)>();
        for (var i = 0; i < good.Count; i++)
        {
            messages.Add((good[i].Topic, good[i].Key, good[i].ToJson()));
            if (i % 20 == 0 && i / 20 < bad.Length) messages.Add((bad[i / 20].Topic, [7], bad[i / 20].Payload));
        }
        h.StartConsumer();
        h.ProduceRaw(messages);
        await h.WaitForAllAsync();

        // Counted exactly as the good events alone: no 'gold' level, 'Checkout' page or status 500 among the rows.
        await Expected.AssertServingTablesAsync(h, good);
        var dead = await h.RowsAsync("select topic, reason from serving.dead_letters");
        Assert.Equal(bad.Select(b => $"{b.Topic}|{b.Reason}").Order(StringComparer.Ordinal), dead);
    }
}
