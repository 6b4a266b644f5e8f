using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Aggregation;
using Rhythmic.SpeedLayer.Store;

namespace Rhythmic.SpeedLayer.Tests;

public sealed class SpeedProcessorTests
{
    private static SpeedProcessor New()
    {
        var p = new SpeedProcessor(new SpeedSettings());
        foreach (var t in Topics.All) p.Assign(t, 0, null);
        return p;
    }

    [Fact]
    public void An_offset_already_processed_is_ignored()
    {
        var p = New();
        var json = new TestEvent { Topic = Topics.Listen, UserId = 1 }.ToJson();
        Assert.True(p.Process(Topics.Listen, 0, 5, json));
        Assert.False(p.Process(Topics.Listen, 0, 5, json));
        Assert.False(p.Process(Topics.Listen, 1, 0, json)); // not owned
        Assert.Equal(1, p.Pending.Events);
    }

    [Fact]
    public void Discarding_returns_every_partition_to_its_committed_offset()
    {
        var p = New();
        var json = new TestEvent { Topic = Topics.Listen, UserId = 1 }.ToJson();
        p.Process(Topics.Listen, 0, 0, json);
        p.Committed();
        p.Process(Topics.Listen, 0, 1, json);
        p.Discard();
        Assert.Equal(1, p.NextOffset(Topics.Listen, 0));
        Assert.Null(p.TakeBatch());
        Assert.Equal(0, p.Pending.Events);
    }

    [Fact]
    public void A_batch_carries_the_offset_it_started_from_for_fencing()
    {
        var p = new SpeedProcessor(new SpeedSettings());
        p.Assign(Topics.Listen, 3, new Checkpoint(40, TestEvents.BaseTs));
        p.Process(Topics.Listen, 3, 40, new TestEvent { Topic = Topics.Listen }.ToJson());
        var progress = Assert.Single(p.TakeBatch()!.Progress);
        Assert.Equal(new PartitionProgress(Topics.Listen, 3, 40, 41, TestEvents.BaseTs), progress);
    }

    [Fact]
    public void Flushing_at_any_points_adds_up_to_the_same_aggregates_as_one_flush()
    {
        var events = TestEvents.Stream(300, minutes: 3, seed: 11).Select(e => (e.Topic, Json: e.ToJson())).ToList();
        var whole = Totals(events, []);
        Prop.ForAll(Gen.ListOf(Gen.Choose(0, events.Count)).ToArbitrary(), cuts =>
            Totals(events, cuts.ToHashSet()).SequenceEqual(whole)).QuickCheckThrowOnFailure();
    }

    /// <summary>Sums the batches taken at the cut points: distinct users deduplicated across batches, as the store does.</summary>
    private static List<string> Totals(List<(string Topic, byte[] Json)> events, HashSet<int> cuts)
    {
        var p = New();
        var listens = new Dictionary<ListenKey, long>();
        var pages = new Dictionary<PageViewKey, long>();
        var active = new HashSet<ActiveKey>();
        void Take()
        {
            if (p.TakeBatch() is not { } b) return;
            foreach (var (k, v) in b.Aggregates.Listens) listens[k] = listens.GetValueOrDefault(k) + v;
            foreach (var (k, v) in b.Aggregates.PageViews) pages[k] = pages.GetValueOrDefault(k) + v;
            active.UnionWith(b.Aggregates.ActiveUsers);
            p.Committed();
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (cuts.Contains(i)) Take();
            p.Process(events[i].Topic, 0, i, events[i].Json);
        }
        Take();
        return [.. listens.Select(x => $"{x.Key}={x.Value}").Order(), .. pages.Select(x => $"{x.Key}={x.Value}").Order(), .. active.Select(a => a.ToString()).Order()];
    }
}
