-- Sessions started (a page view with itemInSession 0) per bucket of @grain in [@from, @to), merged like plays.sql;
-- @level is the level of the session's first event.
-- Grain: one row per bucket with sessions. Key: t.
select t, sum(value)::bigint as value
from (
  select date_trunc(@grain, a.minute, 'UTC') as t, a.sessions_started as value
  from dw.agg_minute a
  join dw.load_state l on l.hour = date_trunc('hour', a.minute, 'UTC')
  where not @facts and a.minute >= @from and a.minute < @to

  union all

  select date_trunc(@grain, f.ts, 'UTC'), count(*)
  from dw.fact_page_view f
  join dw.load_state l on l.hour = date_trunc('hour', f.ts, 'UTC')
  where @facts and f.item_in_session = 0
    and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
    and (@level::text is null or f.level = @level)
  group by 1

  union all

  select date_trunc(@grain, s.minute, 'UTC'), s.sessions
  from serving.sessions_started_minute s
  where s.minute >= @from and s.minute < @to
    and not exists (select from dw.load_state l where l.hour = date_trunc('hour', s.minute, 'UTC'))
    and (@level::text is null or s.level = @level)
) merged
group by t
