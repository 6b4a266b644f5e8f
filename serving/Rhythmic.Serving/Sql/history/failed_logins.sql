-- Failed login attempts (auth_events without success) per bucket of @grain in [@from, @to), merged like plays.sql.
-- Grain: one row per bucket with failures. Key: t.
select t, sum(value)::bigint as value
from (
  select date_trunc(@grain, a.minute, 'UTC') as t, a.login_attempts - a.logins as value
  from dw.agg_minute a
  join dw.load_state l on l.hour = date_trunc('hour', a.minute, 'UTC')
  where not @facts and a.minute >= @from and a.minute < @to

  union all

  select date_trunc(@grain, f.ts, 'UTC'), count(*)
  from dw.fact_auth f
  join dw.load_state l on l.hour = date_trunc('hour', f.ts, 'UTC')
  where @facts and not f.is_success and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
  group by 1

  union all

  select date_trunc(@grain, s.minute, 'UTC'), s.attempts
  from serving.auth_minute s
  where not s.success and s.minute >= @from and s.minute < @to
    and not exists (select from dw.load_state l where l.hour = date_trunc('hour', s.minute, 'UTC'))
) merged
group by t
