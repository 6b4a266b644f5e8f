using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Core.Kafka;
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
    public void A_partition_left_out_of_a_committed_batch_is_still_expected_unstored_by_the_next_one()
    {
        // Regression (crash soak in CI): partitions with nothing stored are read from offset 0; a flush that stored only
        // the listens must not mark the quiet status changes as stored at 0, or every later flush is refused for ever.
        var p = new SpeedProcessor(new SpeedSettings());
        p.Assign(Topics.Listen, 0, null, start: 0);
        p.Assign(Topics.StatusChange, 0, null, start: 0);
        p.Process(Topics.Listen, 0, 0, new TestEvent { Topic = Topics.Listen, UserId = 1 }.ToJson());
        var first = Assert.Single(p.TakeBatch()!.Progress);
        Assert.Equal((Topics.Listen, PartitionProgress.None), (first.Topic, first.ExpectedNextOffset));
        p.Committed();

        p.Process(Topics.StatusChange, 0, 0, new TestEvent { Topic = Topics.StatusChange, UserId = 1 }.ToJson());
        var second = Assert.Single(p.TakeBatch()!.Progress);
        Assert.Equal((Topics.StatusChange, PartitionProgress.None, 1L), (second.Topic, second.ExpectedNextOffset, second.NextOffset));
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
    public void An_offset_beyond_the_next_expected_one_is_a_gap_committed_with_the_batch_and_forgotten_by_a_discard()
    {
        var p = new SpeedProcessor(new SpeedSettings());
        p.Assign(Topics.Listen, 3, new Checkpoint(10, TestEvents.BaseTs));
        var json = new TestEvent { Topic = Topics.Listen, UserId = 1 }.ToJson();
        Assert.True(p.Process(Topics.Listen, 3, 10, json));
        Assert.True(p.Process(Topics.Listen, 3, 15, json));   // 11..14 never arrived

        var batch = p.TakeBatch()!;
        Assert.Equal([new OffsetGap(Topics.Listen, 3, 11, 14, GapKind.OffsetJump)], batch.Gaps);
        Assert.Equal(16, Assert.Single(batch.Progress).NextOffset);
        Assert.Equal(2, p.Pending.Events);
        p.Discard();
        Assert.Empty(p.TakeBatch()?.Gaps ?? []);
        Assert.Equal(10, p.NextOffset(Topics.Listen, 3));
    }

    [Fact]
    public void The_gaps_of_a_partition_are_exactly_the_offsets_it_never_saw()
        => Prop.ForAll(Gen.ListOf(Gen.Choose(0, 3)).ToArbitrary(), steps =>
        {
            var p = new SpeedProcessor(new SpeedSettings());
            p.Assign(Topics.Listen, 0, new Checkpoint(5, TestEvents.BaseTs));
            var json = new TestEvent { Topic = Topics.Listen, UserId = 1 }.ToJson();
            var seen = new List<long>();
            var offset = 5L;
            foreach (var step in steps)
            {
                offset += step;                                   // 0: a repeat (ignored), 1: the next, more: a jump
                if (p.Process(Topics.Listen, 0, offset, json)) seen.Add(offset);
            }
            var next = p.NextOffset(Topics.Listen, 0);
            var missing = (p.TakeBatch()?.Gaps ?? []).SelectMany(g => Enumerable.Range((int)g.FirstMissing, (int)g.MissingCount)).Select(o => (long)o);
            return seen.Concat(missing).Order().SequenceEqual(Enumerable.Range(5, (int)(next - 5)).Select(o => (long)o));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_gap_found_at_assignment_moves_the_partition_past_it_even_with_no_message_after()
    {
        var p = new SpeedProcessor(new SpeedSettings());
        p.Assign(Topics.Listen, 0, null, start: 0);
        p.RecordGap(new OffsetGap(Topics.Listen, 0, 0, 99, GapKind.BeforeFirstRead));
        var progress = Assert.Single(p.TakeBatch()!.Progress);
        Assert.Equal(new PartitionProgress(Topics.Listen, 0, PartitionProgress.None, 100, long.MinValue), progress);
        Assert.Throws<InvalidOperationException>(() => p.RecordGap(new OffsetGap(Topics.Listen, 0, 50, 60, GapKind.OffsetReset)));

        p.Assign(Topics.Listen, 0, null, start: 0);   // taken over again (a retried rewind): the gap is found again, not kept twice
        Assert.Empty(p.TakeBatch()?.Gaps ?? []);
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
