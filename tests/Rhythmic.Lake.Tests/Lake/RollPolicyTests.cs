using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Lake.Landing;

namespace Rhythmic.Lake.Tests.Lake;

public sealed class RollPolicyTests
{
    private const long RollBytes = 1_000_000;
    private const long RollAgeMs = 60_000;
    private const long Backlog = 10_000;

    private static RollPolicy NewPolicy() => new(RollBytes, TimeSpan.FromMilliseconds(RollAgeMs), Backlog);

    [Fact]
    public void Live_it_rolls_once_the_oldest_event_has_waited_the_roll_age_or_the_buffer_is_full()
    {
        var policy = NewPolicy();
        policy.Observe(lag: 50, nowMs: 0, holdsEvents: true);
        Assert.False(policy.Behind);
        Assert.False(policy.ShouldRoll(10, null, 100_000));
        Assert.False(policy.ShouldRoll(10, 1_000, 1_000 + RollAgeMs - 1));
        Assert.True(policy.ShouldRoll(10, 1_000, 1_000 + RollAgeMs));
        Assert.True(policy.ShouldRoll(RollBytes, 1_000, 1_001));
    }

    [Fact]
    public void Behind_by_a_backlog_it_waits_for_a_full_buffer_however_old_the_events()
    {
        var policy = NewPolicy();
        Assert.True(policy.Observe(lag: Backlog, nowMs: 0, holdsEvents: false));
        Assert.True(policy.Behind);
        Assert.False(policy.ShouldRoll(RollBytes - 1, 0, 10 * RollAgeMs));
        Assert.True(policy.ShouldRoll(RollBytes, 0, 1));
    }

    [Fact]
    public void A_backlog_read_to_its_end_is_landed_at_once_and_then_live_rules_apply()
    {
        var policy = NewPolicy();
        policy.Observe(lag: 50_000, nowMs: 0, holdsEvents: true);
        Assert.True(policy.Observe(lag: 0, nowMs: 1_000, holdsEvents: true));
        Assert.False(policy.Behind);
        Assert.True(policy.ShouldRoll(10, 900, 1_000));            // at once, not RollAge after the oldest event
        Assert.False(policy.ShouldRoll(10, 1_100, 1_200));         // the next events wait for the roll age again
        Assert.True(policy.ShouldRoll(10, 1_100, 1_100 + RollAgeMs));
    }

    [Fact]
    public void A_backlog_that_stays_nearly_caught_up_for_the_roll_age_ends_although_the_lag_never_reaches_zero()
    {
        var policy = NewPolicy();
        policy.Observe(lag: 50_000, nowMs: 0, holdsEvents: true);
        Assert.False(policy.Observe(lag: 200, nowMs: 1_000, holdsEvents: true));
        Assert.False(policy.Observe(lag: 5_000, nowMs: 2_000, holdsEvents: true));     // behind again: the clock restarts
        Assert.False(policy.Observe(lag: 300, nowMs: 3_000, holdsEvents: true));
        Assert.False(policy.Observe(lag: 300, nowMs: 3_000 + RollAgeMs - 1, holdsEvents: true));
        Assert.True(policy.Behind);
        Assert.True(policy.Observe(lag: 300, nowMs: 3_000 + RollAgeMs, holdsEvents: true));
        Assert.False(policy.Behind);
    }

    [Fact]
    public void Whatever_the_lags_it_never_rolls_an_empty_buffer_and_always_rolls_a_full_one()
    {
        var step = from lag in Gen.Choose(0, 30_000) from bytes in Gen.Choose(0, 2_000_000) from age in Gen.Choose(0, 120_000) select (Lag: lag, Bytes: bytes, Age: age);
        var steps = Gen.ListOf(step);
        Prop.ForAll(steps.ToArbitrary(), list =>
        {
            var policy = NewPolicy();
            long now = 0;
            foreach (var (lag, bytes, age) in list)
            {
                now += 200;
                policy.Observe(lag, now, holdsEvents: true);
                var oldest = now - age;
                if (policy.ShouldRoll(bytes, null, now)) return false;
                var rolls = policy.ShouldRoll(bytes, oldest, now);
                if (bytes >= RollBytes && !rolls) return false;
                if (policy.Behind && rolls && bytes < RollBytes) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
