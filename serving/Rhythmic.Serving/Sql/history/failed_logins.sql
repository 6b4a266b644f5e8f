-- Failed login attempts (auth_events without success) per bucket of @grain in [@from, @to): the lambda merge over the seam the caller planned (SeamPlan). The
-- loaded hours (@batch_from/@batch_to ranges) come from the warehouse, every other hour (@speed_from/@speed_to) from
-- the speed view; the ranges do not overlap, so nothing is counted twice or missed. Batch: the hourly totals at hour
-- grain and wider (@by_hour), the minute totals at minute grain, the facts for a filter or at second grain (@facts).
-- The session's time zone is UTC (ServingReads), so date_trunc cuts UTC buckets.
-- Grain: one row per bucket with any. Key: t.
select t, sum(value)::bigint as value
from (
  select date_trunc(@grain, h.hour) as t, h.login_attempts - h.logins as value
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.agg_hour h on h.hour >= r.a and h.hour < r.b
  where @by_hour and not @facts

  union all

  select a.minute, a.login_attempts - a.logins
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.agg_minute a on a.minute >= r.a and a.minute < r.b and a.minute >= @from and a.minute < @to
  where not @by_hour and not @facts

  union all

  select date_trunc(@grain, f.ts), count(*)
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.fact_auth f on f.ts >= r.a and f.ts < r.b
  where @facts and not f.is_success and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
  group by 1

  union all

  select date_trunc(@grain, s.minute), s.attempts
  from unnest(@speed_from::timestamptz[], @speed_to::timestamptz[]) r(a, b)
  join serving.auth_minute s on s.minute >= r.a and s.minute < r.b and s.minute >= @from and s.minute < @to
  where not s.success
) merged
group by t
