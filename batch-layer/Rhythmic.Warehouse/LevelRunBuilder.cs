using System.Runtime.InteropServices;

namespace Rhythmic.Warehouse;

/// <summary>
/// Builds dw.user_level_run's rows (one per hour, user and run of one level within that hour) from the staged events
/// while they are staged, instead of sorting and windowing every staged row in SQL. The rules are those the SQL model
/// had: events of one user at one instant are one observation whose level is the lowest (code point order, as the
/// warehouse's C-locale min() compared them); a run starts where the observation's level differs from the previous
/// one; a run's names, gender and registration are the greatest of its events' (nulls ignored).
/// </summary>
internal sealed class LevelRunBuilder
{
    // The events of each hour apart: an hour's events sort in the cache, and hours build on separate threads. An
    // event holds no reference (its level and names are numbers into this builder's lists), so the garbage collector
    // never walks the millions of them.
    private readonly Dictionary<long, List<Observation>> _hours = [];
    private readonly List<string> _levels = [];
    private readonly List<UserAttributes> _attributes = [];
    private UserAttributes? _lastAttributes;
    private string? _lastLevel;
    private byte _lastLevelIndex;
    private long _lastHour = long.MinValue;
    private List<Observation>? _lastList;

    /// <summary>One event of a known user at <paramref name="tsMicros"/> in <paramref name="hourMicros"/>.</summary>
    public void Add(long hourMicros, long userId, long tsMicros, string level, UserAttributes attributes)
    {
        if (hourMicros != _lastHour)
        {
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_hours, hourMicros, out _);
            _lastList = list ??= new List<Observation>(4096);
            _lastHour = hourMicros;
        }
        if (!ReferenceEquals(attributes, _lastAttributes))
        {
            _attributes.Add(attributes);
            _lastAttributes = attributes;
        }
        if (!ReferenceEquals(level, _lastLevel))
        {
            var i = _levels.FindIndex(l => string.Equals(l, level, StringComparison.Ordinal));
            if (i < 0)
            {
                if (_levels.Count == byte.MaxValue + 1) throw new InvalidDataException("More than 256 distinct user levels in one load.");
                _levels.Add(level);
                i = _levels.Count - 1;
            }
            _lastLevel = level;
            _lastLevelIndex = (byte)i;
        }
        _lastList!.Add(new(tsMicros, userId, _attributes.Count - 1, _lastLevelIndex, 0));
    }

    /// <summary>The runs of the events every builder collected (one per thread of the pass), in (hour, user, first_ts) order.</summary>
    public static List<Run> Build(IReadOnlyList<LevelRunBuilder> builders, CancellationToken ct = default)
    {
        if (builders.Count > byte.MaxValue + 1) throw new ArgumentException("At most 256 builders.", nameof(builders));
        var hours = builders.SelectMany(b => b._hours.Keys).Distinct().Order().ToArray();
        var perHour = new List<Run>[hours.Length];
        Parallel.For(0, hours.Length, new ParallelOptions { CancellationToken = ct }, () => new HourBuffers(), (h, _, buffers) =>
        {
            buffers.Events.Clear();
            for (var b = 0; b < builders.Count; b++)
            {
                if (!builders[b]._hours.TryGetValue(hours[h], out var list)) continue;
                foreach (var o in CollectionsMarshal.AsSpan(list)) buffers.Events.Add(o with { Builder = (byte)b });   // whose lists its numbers index
            }
            perHour[h] = BuildHour(hours[h], CollectionsMarshal.AsSpan(buffers.Events), buffers, builders);
            return buffers;
        }, _ => { });
        var runs = new List<Run>(perHour.Sum(r => r.Count));
        foreach (var r in perHour) runs.AddRange(r);
        return runs;
    }

    private sealed class HourBuffers
    {
        public readonly List<Observation> Events = new(32_768);
        public long[] Keys = new long[32_768];
    }

    /// <summary>The runs of one hour's events (sorted here by user and instant).</summary>
    private static List<Run> BuildHour(long hour, Span<Observation> events, HourBuffers buffers, IReadOnlyList<LevelRunBuilder> builders)
    {
        Sort(hour, events, buffers);
        var runs = new List<Run>();
        string LevelOf(in Observation o) => builders[o.Builder]._levels[o.Level];
        UserAttributes AttributesOf(in Observation o) => builders[o.Builder]._attributes[o.Attributes];
        var i = 0;
        while (i < events.Length)
        {
            // One observation: the events of one user at one instant.
            var o = events[i];
            var level = LevelOf(o);
            var j = i + 1;
            for (; j < events.Length && events[j].UserId == o.UserId && events[j].Ts == o.Ts; j++)
                level = Min(level, LevelOf(events[j]))!;
            var run = new Run(hour, o.UserId, o.Ts, o.Ts, level, null, null, null, null);
            UserAttributes? applied = null;
            // Extend the run over the following observations of the same user while the level stays.
            var k = i;
            while (true)
            {
                for (var e = k; e < j; e++)
                {
                    var attributes = AttributesOf(events[e]);
                    if (ReferenceEquals(attributes, applied)) continue;   // the same values again change nothing
                    run = run.With(attributes);
                    applied = attributes;
                }
                run = run with { LastTs = events[k].Ts };
                if (j >= events.Length || events[j].UserId != o.UserId) break;
                var next = j + 1;
                level = LevelOf(events[j]);
                for (; next < events.Length && events[next].UserId == o.UserId && events[next].Ts == events[j].Ts; next++)
                    level = Min(level, LevelOf(events[next]))!;
                if (!string.Equals(level, run.Level, StringComparison.Ordinal)) break;
                k = j;
                j = next;
            }
            runs.Add(run);
            i = j;
        }
        return runs;
    }

    /// <summary>
    /// Sorts one hour's events by (user, instant): by one 64-bit key (user id, then microseconds into the hour) when
    /// every user id fits 31 bits, which lets the sort compare numbers; by a comparer otherwise.
    /// </summary>
    private static void Sort(long hour, Span<Observation> events, HourBuffers buffers)
    {
        foreach (ref readonly var e in events)
        {
            if ((ulong)e.UserId > int.MaxValue)
            {
                events.Sort(new ObservationOrder());
                return;
            }
        }
        if (buffers.Keys.Length < events.Length) buffers.Keys = new long[events.Length];
        var keys = buffers.Keys.AsSpan(0, events.Length);
        for (var i = 0; i < events.Length; i++) keys[i] = (events[i].UserId << 32) | (events[i].Ts - hour);   // < 3.6e9 < 2^32
        keys.Sort(events);
    }

    /// <summary>One run, encoded as a dw.user_level_run row.</summary>
    public static void Write(CopyRowEncoder r, Run run)
    {
        r.StartRow(9);
        r.TimestampMicros(run.Hour);
        r.Int64(run.UserId);
        r.TimestampMicros(run.FirstTs);
        r.TimestampMicros(run.LastTs);
        r.Text(run.Level);
        r.Text(run.FirstName);
        r.Text(run.LastName);
        r.Text(run.Gender);
        if (run.Registration is { } reg) r.TimestampMicros(reg); else r.Null();
    }

    /// <summary>The lesser of two strings in code point order (UTF-8 byte order, PostgreSQL's C collation); null when both are.</summary>
    internal static string? Min(string? a, string? b) => a is null ? b : b is null ? a : CompareCodePoints(a, b) <= 0 ? a : b;

    internal static string? Max(string? a, string? b) => a is null ? b : b is null ? a : CompareCodePoints(a, b) >= 0 ? a : b;

    internal static int CompareCodePoints(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal)) return 0;
        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            var hasX = x.MoveNext();
            var hasY = y.MoveNext();
            if (!hasX || !hasY) return hasX ? 1 : hasY ? -1 : 0;
            var c = x.Current.Value.CompareTo(y.Current.Value);
            if (c != 0) return c;
        }
    }

    /// <summary>(user, ts) order within an hour, as a struct so the sort inlines it.</summary>
    private readonly struct ObservationOrder : IComparer<Observation>
    {
        public int Compare(Observation a, Observation b)
            => a.UserId != b.UserId ? a.UserId.CompareTo(b.UserId) : a.Ts.CompareTo(b.Ts);
    }

    /// <summary>
    /// One event: its instant and user, and the numbers of its level and of the user's names as it gave them, in the
    /// lists of the builder (<paramref name="Builder"/>, its place among those <see cref="Build"/> merges) that read it.
    /// </summary>
    private readonly record struct Observation(long Ts, long UserId, int Attributes, byte Level, byte Builder);

    internal readonly record struct Run(long Hour, long UserId, long FirstTs, long LastTs, string Level, string? FirstName, string? LastName, string? Gender, long? Registration)
    {
        internal Run With(UserAttributes e) => this with
        {
            FirstName = Max(FirstName, e.FirstName), LastName = Max(LastName, e.LastName), Gender = Max(Gender, e.Gender),
            Registration = Registration is { } r && e.Registration is { } s ? Math.Max(r, s) : Registration ?? e.Registration,
        };
    }
}

/// <summary>
/// A user's names, gender and registration as one event gave them. A reader keeps the last one per user and gives the
/// same instance to the next events while they carry the same values, so an event costs a reference, not four fields.
/// </summary>
internal sealed record UserAttributes(string? FirstName, string? LastName, string? Gender, long? Registration)
{
    /// <summary>This instance when it holds these values (the strings compared by reference), else a new one.</summary>
    public static UserAttributes Reuse(UserAttributes? last, string? firstName, string? lastName, string? gender, long? registration)
        => last is not null && ReferenceEquals(last.FirstName, firstName) && ReferenceEquals(last.LastName, lastName)
           && ReferenceEquals(last.Gender, gender) && last.Registration == registration
            ? last
            : new UserAttributes(firstName, lastName, gender, registration);
}
