using System.Runtime.InteropServices;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Aggregation;
using Rhythmic.SpeedLayer.Parsing;

namespace Rhythmic.Bench;

/// <summary>
/// listens_minute alone, counted the way <see cref="MinuteAggregates"/> counts it (each level, gender and state numbered
/// by a <see cref="Utf8Ids"/>, groups on integer keys): figure (d)'s like-for-like side of the one aggregation DuckDB
/// computes. Counters that counted parts of one input on separate threads are merged on ids.
/// </summary>
internal sealed class SpeedListensCounter
{
    private readonly Utf8Ids _levels = new(), _genders = new(), _states = new();
    private readonly Dictionary<IdKey, long> _listens = [];

    /// <summary>Listens counted (merged ones included).</summary>
    public long Events { get; private set; }

    /// <summary>Counts a listen of the fast path (<paramref name="f"/> as parsed from <paramref name="json"/>).</summary>
    public void Add(ReadOnlySpan<byte> json, in EventFields f)
        => Add(f.MinuteMs, _levels.Id(f.Level.Of(json)), _genders.Id(f.HasGender ? f.Gender.Of(json) : default), _states.Id(f.State.Of(json)));

    /// <summary>Counts a listen of the general path.</summary>
    public void Add(EventRecord e) => Add(e.MinuteMs, _levels.Id(e.Level), _genders.Id(e.Gender ?? ""), _states.Id(e.State));

    /// <summary>
    /// Adds <paramref name="other"/>'s counts (and its event count) to this one's, on ids: each distinct level, gender and
    /// state of <paramref name="other"/> is looked up here once, then every group is added by integer key
    /// (<paramref name="other"/> is left as it was).
    /// </summary>
    public void Merge(SpeedListensCounter other)
    {
        var levels = Map(other._levels, _levels);
        var genders = Map(other._genders, _genders);
        var states = Map(other._states, _states);
        _listens.EnsureCapacity(_listens.Count + other._listens.Count);
        foreach (var (k, n) in other._listens)
            CollectionsMarshal.GetValueRefOrAddDefault(_listens, new IdKey(k.Minute, levels[(int)k.A], IdKey.Pack(genders[(int)(k.B >> 32)], states[(int)k.B])), out _) += n;
        Events += other.Events;
    }

    /// <summary>The rows of listens_minute counted so far, in no particular order (each row refers to the one string of each distinct value).</summary>
    public KeyValuePair<ListenKey, long>[] Rows()
    {
        var rows = new KeyValuePair<ListenKey, long>[_listens.Count];
        var i = 0;
        foreach (var (k, n) in _listens) rows[i++] = new(new ListenKey(k.Minute, _levels[(int)k.A], _genders[(int)(k.B >> 32)], _states[(int)k.B]), n);
        return rows;
    }

    /// <summary>
    /// For each value numbered in <paramref name="from"/> (by id), its id in <paramref name="to"/>, numbering it there if
    /// new: translates counts keyed on one table's ids into the other's with one look-up per distinct value.
    /// </summary>
    private static int[] Map(Utf8Ids from, Utf8Ids to)
    {
        var map = new int[from.Count];
        for (var id = 0; id < from.Count; id++) map[id] = to.Id(from[id]);
        return map;
    }

    private void Add(long minute, int level, int gender, int state)
    {
        Events++;
        CollectionsMarshal.GetValueRefOrAddDefault(_listens, new IdKey(minute, level, IdKey.Pack(gender, state)), out _)++;
    }
}
