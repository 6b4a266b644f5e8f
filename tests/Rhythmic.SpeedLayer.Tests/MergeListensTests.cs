using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Bench;
using Rhythmic.SpeedLayer.Aggregation;
using Rhythmic.SpeedLayer.Parsing;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>
/// Listens counted in parts on separate counters (each numbering the values in its own order) and merged on ids
/// (the bench's SpeedListensCounter.Merge) give the same listens_minute rows as counting every listen naively, and so
/// does the speed layer's own MinuteAggregates.
/// </summary>
public sealed class MergeListensTests
{
    private static readonly EventParserOptions Options = new() { Clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(TestEvents.BaseTs)) };

    [Fact]
    public void Listens_counted_in_parts_and_merged_on_ids_equal_naive_counting()
    {
        var listen =
            from minute in Gen.Choose(0, 5)
            from level in Gen.Elements("free", "paid")
            from state in Gen.Elements("MA", "CA", "NY", "TX", "WY")
            from user in Gen.Choose(0, 3)
            from gender in Gen.Elements("M", "F")
            from escaped in Gen.Elements(false, false, false, true) // a few go through TryParse, not the fast path
            select new TestEvent
            {
                Topic = Topics.Listen, Ts = TestEvents.BaseTs + minute * 60_000L + user * 1_000, Level = level, State = state,
                UserId = user == 0 ? null : user, Gender = gender, Artist = escaped ? "A \"quoted\" artist" : "Artist",
            };
        var gen =
            from listens in Gen.ListOf(listen)
            from cuts in Gen.ListOf(Gen.Choose(0, 100))
            select (listens, cuts);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var events = t.listens.ToArray();
            // Up to four parts, cut anywhere (some parts may be empty).
            var bounds = t.cuts.Take(3).Select(c => c * events.Length / 100).Append(0).Append(events.Length).Distinct().Order().ToArray();
            var parts = new List<SpeedListensCounter>();
            for (var p = 0; p + 1 < bounds.Length; p++) parts.Add(Count(events[bounds[p]..bounds[p + 1]]));
            if (parts.Count == 0) parts.Add(new SpeedListensCounter());
            var total = parts[^1]; // merged into the last part: its ids were numbered in another order than the others'
            foreach (var part in parts.Take(parts.Count - 1)) total.Merge(part);
            var aggregates = Aggregate(events);

            var naive = events.GroupBy(e => (e.MinuteMs, e.Level, Gender: e.UserId is null ? "" : e.Gender!, e.State))
                .Select(g => Row(g.Key.MinuteMs, g.Key.Level, g.Key.Gender, g.Key.State, g.LongCount())).Order(StringComparer.Ordinal).ToList();
            var rows = total.Rows().Select(r => Row(r.Key.Minute, r.Key.Level, r.Key.Gender, r.Key.State, r.Value)).Order(StringComparer.Ordinal).ToList();
            var view = aggregates.Listens.Select(r => Row(r.Key.Minute, r.Key.Level, r.Key.Gender, r.Key.State, r.Value)).Order(StringComparer.Ordinal).ToList();
            return rows.SequenceEqual(naive) && view.SequenceEqual(naive) && total.Events == events.Length && aggregates.Events == events.Length;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Counts the listens of <paramref name="events"/> as the bench does: the fast path, TryParse for what it declines.</summary>
    private static SpeedListensCounter Count(IEnumerable<TestEvent> events)
    {
        var counter = new SpeedListensCounter();
        Parse(events, (json, fields) => counter.Add(json, in fields), counter.Add);
        return counter;
    }

    /// <summary>Counts every aggregate of <paramref name="events"/> as the speed layer does.</summary>
    private static MinuteAggregates Aggregate(IEnumerable<TestEvent> events)
    {
        var aggregates = new MinuteAggregates();
        Parse(events, (json, fields) => aggregates.Add(Topics.Listen, json, in fields), aggregates.Add);
        return aggregates;
    }

    private delegate void FastAdd(ReadOnlySpan<byte> json, EventFields fields);

    private static void Parse(IEnumerable<TestEvent> events, FastAdd fast, Action<EventRecord> general)
    {
        var parser = new SpeedParser(Options);
        var fields = new EventFields();
        var record = new EventRecord();
        foreach (var e in events)
        {
            var json = e.ToJson();
            if (parser.TryParseFields(Topics.Listen, json, ref fields)) fast(json, fields);
            else if (parser.TryParse(Topics.Listen, json, record, out var reason)) general(record);
            else throw new InvalidOperationException(reason);
        }
    }

    private static string Row(long minute, string level, string gender, string state, long n)
        => string.Create(CultureInfo.InvariantCulture, $"{minute}|{level}|{gender}|{state}|{n}");

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
