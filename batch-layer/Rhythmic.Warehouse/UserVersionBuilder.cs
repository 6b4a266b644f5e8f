using System.Runtime.InteropServices;

namespace Rhythmic.Warehouse;

/// <summary>
/// dim_user's rows (SCD type 2 at event-time grain) of the users a load touches, from all their level runs: the runs
/// of the replaced hours and those of other hours already in dw.user_level_run. The rules are those dim_user's model
/// (Sql/load/050_dim_user.sql) states: adjacent runs of the same level, in first_ts order, make one row, valid from
/// its first run's first event to the next row's; name, gender and registration are those of the user's latest run.
/// </summary>
internal sealed class UserVersionBuilder
{
    private readonly Dictionary<long, List<LevelRunBuilder.Run>> _runs = [];

    public void Add(LevelRunBuilder.Run run)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_runs, run.UserId, out _);
        (list ??= []).Add(run);
    }

    /// <summary>The rows as dw.stg_user_version_new's COPY data (user_id, level, valid_from, valid_to, names, gender, registration).</summary>
    public void Encode(CopyRowEncoder r)
    {
        foreach (var (userId, runs) in _runs)
        {
            var span = CollectionsMarshal.AsSpan(runs);
            span.Sort(static (a, b) => a.FirstTs.CompareTo(b.FirstTs));
            var latest = span[^1];
            var i = 0;
            while (i < span.Length)
            {
                var j = i + 1;
                while (j < span.Length && string.Equals(span[j].Level, span[i].Level, StringComparison.Ordinal)) j++;
                r.StartRow(8);
                r.Int64(userId);
                r.Text(span[i].Level);
                r.TimestampMicros(span[i].FirstTs);
                if (j < span.Length) r.TimestampMicros(span[j].FirstTs); else r.TimestampInfinity();
                r.Text(latest.FirstName);
                r.Text(latest.LastName);
                r.Text(latest.Gender);
                if (latest.Registration is { } reg) r.TimestampMicros(reg); else r.Null();
                i = j;
            }
        }
    }
}
