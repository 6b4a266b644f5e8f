using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Kafka;

namespace Rhythmic.Core.Tests;

public sealed class ConsumerGapsTests
{
    private const string T = "listen_events";

    [Fact]
    public void Resuming_inside_the_log_keeps_the_expected_offset_and_before_it_records_exactly_the_deleted_range()
        => Prop.ForAll(Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (expected, a, b) =>
        {
            var (start, end) = (Math.Min(a, b), Math.Max(a, b));
            var r = ConsumerGaps.Resume(T, 2, expected, start, end, GapKind.LogStartPassed);
            if (expected < start)
                return r == new ResumePoint(start, new OffsetGap(T, 2, expected, start - 1, GapKind.LogStartPassed), false) && r.Gap!.MissingCount == start - expected;
            if (expected > end) return r == new ResumePoint(start, null, true);
            return r == new ResumePoint(expected, null, false);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Unknown_log_bounds_leave_the_expected_offset_for_the_fetch_to_check()
        => Assert.Equal(new ResumePoint(40, null, false), ConsumerGaps.Resume(T, 0, 40, -1, -1, GapKind.LogStartPassed));

    [Fact]
    public void An_offset_beyond_the_expected_one_is_a_gap_of_exactly_the_offsets_between()
        => Prop.ForAll(Gen.Choose(0, 100_000).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (expected, ahead) =>
        {
            var gap = ConsumerGaps.Jump(T, 1, expected, expected + ahead);
            return ahead == 0 ? gap is null : gap == new OffsetGap(T, 1, expected, expected + ahead - 1, GapKind.OffsetJump) && gap.MissingCount == ahead;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Gaps_are_logged_with_their_bounds_and_counted_per_group_and_topic()
    {
        var metrics = new Observability.MetricsRegistry();
        var log = new Testing.CapturingLogger();
        var reporter = new ConsumerGapReporter(metrics, "g", log, [T, "auth_events"]);
        Assert.Contains("rhythmic_consumer_gaps_total{group=\"g\",topic=\"auth_events\"} 0", metrics.Render());   // "no gap" shows before any
        reporter.Recorded([new OffsetGap(T, 3, 10, 19, GapKind.OffsetReset), new OffsetGap(T, 4, 0, 4, GapKind.BeforeFirstRead)]);

        Assert.Equal(2, metrics.Counter("rhythmic_consumer_gaps_total", "", ("group", "g"), ("topic", T)).Value);
        Assert.Equal(15, metrics.Counter("rhythmic_consumer_missing_messages_total", "", ("group", "g"), ("topic", T)).Value);
        Assert.Contains("rhythmic_consumer_gaps_total{group=\"g\",topic=\"listen_events\"} 2", metrics.Render());
        var first = log.Entries[0];
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, first.Level);
        Assert.Equal((T, 3, 10L, 19L), ((string)first.Values["Topic"]!, (int)first.Values["Partition"]!, (long)first.Values["FirstMissing"]!, (long)first.Values["LastMissing"]!));
    }
}
