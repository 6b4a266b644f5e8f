using System.Text;
using Confluent.Kafka;
using Rhythmic.Core.Events;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>The lander with messages whose values lie outside their fields' domains: dead letters with the parser's reason, never rows.</summary>
public sealed class DomainDeadLetterTests
{
    [Fact]
    public async Task Out_of_domain_messages_become_dead_letters_with_their_reason_and_are_not_landed()
    {
        await using var kit = await LakeTestKit.StartAsync(partitions: 1);
        var ts = LakeTestKit.BaseHour.ToUnixTimeMilliseconds();
        // Even ids carry a logged-in user, odd ones do not; bad ones are numbered from 100 so no landed row can be one.
        var bad = new (string Reason, string? Json)[]
        {
            ("level 'gold' is not one of free, paid", LakeTestKit.ListenJson(100, ts).Replace("\"level\":\"free\"", "\"level\":\"gold\"")),
            ("gender 'X' is not one of M, F", LakeTestKit.ListenJson(102, ts).Replace("\"gender\":\"F\"", "\"gender\":\"X\"")),
            ("duration -1 is not a positive finite number of seconds", System.Text.RegularExpressions.Regex.Replace(LakeTestKit.ListenJson(104, ts), "\"duration\":[0-9.]+", "\"duration\":-1")),
            ("lat 91.5 is not a latitude in [-90, 90]", LakeTestKit.ListenJson(105, ts).Replace("\"lat\":36.15", "\"lat\":91.5")),
            ("user fields are present but auth is 'Logged Out' (only Logged In, Cancelled carry them)", LakeTestKit.ListenJson(106, ts).Replace("Logged In", "Logged Out")),
            ("registration 2024-03-10T09:00:00.000Z is after ts 2024-03-10T08:00:00.000Z",
                LakeTestKit.ListenJson(108, ts).Replace("\"registration\":1700000000000", $"\"registration\":{ts + 3_600_000}")),
            ("empty message", null),
        };
        foreach (var (reason, json) in bad)
            if (json is not null) Assert.Equal(reason, Refusal(json)); // the reason the speed layer gives too: one parser

        kit.ProduceListens(0, 5);
        using (var producer = TestKafka.Producer(kit.Cluster))
        {
            foreach (var (_, json) in bad)
                producer.Produce(Topics.Listen, new Message<byte[], byte[]> { Key = [1], Value = json is null ? null! : Encoding.UTF8.GetBytes(json) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        kit.ProduceListens(5, 5);
        using var stop = new CancellationTokenSource();
        var run = kit.NewLander().RunAsync(stop.Token);
        await LakeTestKit.WaitForAsync(async () => await kit.AccountedAsync() >= 10 + bad.Length, "events and dead letters");
        stop.Cancel();
        await run;

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), kit.ReadEveryFile().Select(r => r.SessionId).Order());
        var reasons = new List<string>();
        await using (var conn = new Npgsql.NpgsqlConnection(kit.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"select reason from serving.dead_letters where consumer_group = '{kit.Group}' order by \"offset\"", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) reasons.Add(reader.GetString(0));
        }
        Assert.Equal(bad.Select(b => b.Reason), reasons);
    }

    private static string? Refusal(string json)
        => new EventParser(new EventParserOptions { MaxFutureSeconds = int.MaxValue }).TryParse(Topics.Listen, Encoding.UTF8.GetBytes(json), new EventRecord(), out var reason) ? null : reason;
}
