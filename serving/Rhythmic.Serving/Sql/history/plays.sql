-- Plays per bucket of @grain in [@from, @to): the lambda merge. Hours in dw.load_state come from the batch view,
-- every other hour from the speed view, so each hour has exactly one source: nothing counted twice, nothing missed.
-- @facts: read the facts (a filter, or second grain) instead of the per-minute aggregates.
-- Grain: one row per bucket with plays. Key: t.
select t, sum(value)::bigint as value
from (
  select date_trunc(@grain, a.minute, 'UTC') as t, a.plays as value
  from dw.agg_minute a
  join dw.load_state l on l.hour = date_trunc('hour', a.minute, 'UTC')
  where not @facts and a.minute >= @from and a.minute < @to

  union all

  select date_trunc(@grain, f.ts, 'UTC'), count(*)
  from dw.fact_listen f
  join dw.load_state l on l.hour = date_trunc('hour', f.ts, 'UTC')
  join dw.dim_user u on u.user_key = f.user_key
  join dw.dim_location g on g.location_key = f.location_key
  where @facts and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
    and (@level::text is null or f.level = @level)
    and (@gender::text is null or u.gender = @gender)
    and (@state::text is null or g.state = @state)
  group by 1

  union all

  select date_trunc(@grain, s.minute, 'UTC'), s.listens
  from serving.listens_minute s
  where s.minute >= @from and s.minute < @to
    and not exists (select from dw.load_state l where l.hour = date_trunc('hour', s.minute, 'UTC'))
    and (@level::text is null or s.level = @level)
    and (@gender::text is null or s.gender = @gender)
    and (@state::text is null or s.state = @state)
) merged
group by t
