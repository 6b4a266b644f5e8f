-- Level changes (status_change_events: Submit Upgrade / Submit Downgrade) per bucket of @grain in [@from, @to),
-- merged like plays.sql; @level is the level before the change.
-- Grain: one row per bucket with changes. Key: t.
select t, sum(value)::bigint as value
from (
  select date_trunc(@grain, a.minute, 'UTC') as t, a.level_changes as value
  from dw.agg_minute a
  join dw.load_state l on l.hour = date_trunc('hour', a.minute, 'UTC')
  where not @facts and a.minute >= @from and a.minute < @to

  union all

  select date_trunc(@grain, f.ts, 'UTC'), count(*)
  from dw.fact_level_change f
  join dw.load_state l on l.hour = date_trunc('hour', f.ts, 'UTC')
  where @facts and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
    and (@level::text is null or f.from_level = @level)
  group by 1

  union all

  select date_trunc(@grain, s.minute, 'UTC'), s.changes
  from serving.level_changes_minute s
  where s.minute >= @from and s.minute < @to
    and not exists (select from dw.load_state l where l.hour = date_trunc('hour', s.minute, 'UTC'))
    and (@level::text is null or s.from_level = @level)
) merged
group by t
