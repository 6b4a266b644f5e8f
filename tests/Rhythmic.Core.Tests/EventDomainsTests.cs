using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Events;

namespace Rhythmic.Core.Tests;

public sealed class EventDomainsTests
{
    private static readonly (IReadOnlyList<string> Values, EventDomains.Utf8Set Set)[] Tables =
    [
        (EventDomains.Levels, EventDomains.LevelSet), (EventDomains.Genders, EventDomains.GenderSet), (EventDomains.Auths, EventDomains.AuthSet),
        (EventDomains.UserAuths, EventDomains.UserAuthSet), (EventDomains.Methods, EventDomains.MethodSet), (EventDomains.Pages, EventDomains.PageSet),
    ];

    [Fact]
    public void Every_value_of_a_domain_is_in_its_set_as_bytes_and_as_a_string()
    {
        foreach (var (values, set) in Tables)
            foreach (var v in values)
            {
                Assert.True(set.Contains(Encoding.UTF8.GetBytes(v)), v);
                Assert.True(set.Contains(v), v);
            }
    }

    [Fact]
    public void A_string_is_in_a_set_as_bytes_exactly_when_it_is_as_a_string_and_only_if_the_table_lists_it()
    {
        // Near misses of the listed values (a byte changed, cut, grown, another case) and arbitrary text.
        var nearMiss =
            from t in Gen.Choose(0, Tables.Length - 1)
            from i in Gen.Choose(0, 100)
            from how in Gen.Choose(0, 4)
            from c in Gen.Choose(0, 127)
            let v = Tables[t].Values[i % Tables[t].Values.Count]
            select (t, how switch
            {
                0 => v[..^1],
                1 => v + (char)c,
                2 => (char)c + v[1..],
                3 => v.ToUpperInvariant(),
                _ => v[..(v.Length - 1)] + (char)c,
            });
        var arbitrary = from t in Gen.Choose(0, Tables.Length - 1)
                        from s in ArbMap.Default.GeneratorFor<NonNull<string>>()
                        where !s.Get.Any(char.IsSurrogate)
                        select (t, s.Get);
        Prop.ForAll(Gen.OneOf(nearMiss, arbitrary).ToArbitrary(), x =>
        {
            var (values, set) = Tables[x.Item1];
            var listed = values.Contains(x.Item2);
            return set.Contains(Encoding.UTF8.GetBytes(x.Item2)) == listed && set.Contains(x.Item2) == listed;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Statuses_and_state_codes_are_checked_by_value()
    {
        Assert.All(EventDomains.Statuses, s => Assert.True(EventDomains.IsStatus(s)));
        Assert.False(EventDomains.IsStatus(500));
        Assert.True(EventDomains.IsStateCode("NY"u8));
        Assert.False(EventDomains.IsStateCode("ny"u8));
        Assert.False(EventDomains.IsStateCode("NYC"u8));
        Assert.False(EventDomains.IsStateCode("N"u8));
        Assert.False(EventDomains.IsStateCode("N["u8));
    }
}
