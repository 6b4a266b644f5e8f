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
    private readonly List<Observation> _events = [];

    /// <summary>One staged event of a known user.</summary>
    public void Add(long hourMicros, long userId, long tsMicros, string level, string? firstName, string? lastName, string? gender, long? registrationMicros)
        => _events.Add(new(hourMicros, userId, tsMicros, level, firstName, lastName, gender, registrationMicros));

    /// <summary>Takes the events another builder collected (another thread's).</summary>
    public void Absorb(LevelRunBuilder other) => _events.AddRange(other._events);

    /// <summary>The runs, in (hour, user, first_ts) order.</summary>
    public List<Run> Build()
    {
        var runs = new List<Run>();
        var events = CollectionsMarshal.AsSpan(_events);
        events.Sort(new ObservationOrder());
        var i = 0;
        while (i < events.Length)
        {
            // One observation: the events of one user at one instant.
            var o = events[i];
            var j = i + 1;
            for (; j < events.Length && events[j].Hour == o.Hour && events[j].UserId == o.UserId && events[j].Ts == o.Ts; j++)
                o = o with { Level = Min(o.Level, events[j].Level)! };
            var run = new Run(o.Hour, o.UserId, o.Ts, o.Ts, o.Level, null, null, null, null);
            // Extend the run over the following observations of the same hour and user while the level stays.
            var k = i;
            while (true)
            {
                for (var e = k; e < j; e++) run = run.With(events[e]);
                run = run with { LastTs = events[k].Ts };
                if (j >= events.Length || events[j].Hour != o.Hour || events[j].UserId != o.UserId) break;
                var next = j + 1;
                var level = events[j].Level;
                for (; next < events.Length && events[next].Hour == o.Hour && events[next].UserId == o.UserId && events[next].Ts == events[j].Ts; next++)
                    level = Min(level, events[next].Level)!;
                if (!string.Equals(level, run.Level, StringComparison.Ordinal)) break;
                k = j;
                j = next;
            }
            runs.Add(run);
            i = j;
        }
        return runs;
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
        if (ReferenceEquals(a, b)) return 0;
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

    /// <summary>(hour, user, ts) order, as a struct so the sort inlines it.</summary>
    private readonly struct ObservationOrder : IComparer<Observation>
    {
        public int Compare(Observation a, Observation b)
            => a.Hour != b.Hour ? a.Hour.CompareTo(b.Hour) : a.UserId != b.UserId ? a.UserId.CompareTo(b.UserId) : a.Ts.CompareTo(b.Ts);
    }

    internal readonly record struct Observation(long Hour, long UserId, long Ts, string Level, string? FirstName, string? LastName, string? Gender, long? Registration);

    internal readonly record struct Run(long Hour, long UserId, long FirstTs, long LastTs, string Level, string? FirstName, string? LastName, string? Gender, long? Registration)
    {
        internal Run With(Observation e) => this with
        {
            FirstName = Max(FirstName, e.FirstName), LastName = Max(LastName, e.LastName), Gender = Max(Gender, e.Gender),
            Registration = Registration is { } r && e.Registration is { } s ? Math.Max(r, s) : Registration ?? e.Registration,
        };
    }
}
