using FsCheck;
using FsCheck.Fluent;
using Rhythmic.SpeedLayer.Aggregation;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>Utf8Ids numbers values by their bytes: the same id for equal values, distinct ids for distinct ones.</summary>
public sealed class Utf8IdsTests
{
    [Fact]
    public void Values_get_the_same_id_exactly_when_their_bytes_are_equal()
    {
        // Short values from a tiny alphabet (many near-equal ones, where only the hash and the length are compared),
        // and some longer ones.
        var value =
            from length in Gen.OneOf(Gen.Choose(0, 9), Gen.Choose(10, 40))
            from bytes in Gen.ArrayOf(Gen.Elements((byte)'a', (byte)'b', (byte)0, (byte)0xC3, (byte)0xA9), length)
            select bytes;
        Prop.ForAll(Gen.ListOf(value).ToArbitrary(), values =>
        {
            var ids = new Utf8Ids();
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var v in values)
            {
                var id = ids.Id(v);
                var key = Convert.ToHexString(v);
                if (first.TryGetValue(key, out var seen) ? seen != id : first.ContainsValue(id)) return false;
                first[key] = id;
            }
            return ids.Count == first.Count;
        }).QuickCheckThrowOnFailure();
    }
}
