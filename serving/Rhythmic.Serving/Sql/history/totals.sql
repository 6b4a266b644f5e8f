-- The warehouse's totals per bucket of @grain over the loaded hours of the window (@batch_from/@batch_to ranges, which
-- the caller planned: SeamPlan): the hourly totals at hour grain and wider (@by_hour), the minute totals at minute
-- grain. Every additive metric of the history takes its column from here and adds the speed view's (<metric>.sql).
-- The session's time zone is UTC (ServingReads), so date_trunc cuts UTC buckets.
-- Grain: one row per bucket with any event. Key: t.
select t, sum(plays)::bigint as plays, sum(page_views)::bigint as page_views, sum(logins)::bigint as logins,
       sum(login_attempts - logins)::bigint as failed_logins, sum(sessions_started)::bigint as sessions,
       sum(level_changes)::bigint as level_changes
from (
  select date_trunc(@grain, h.hour) as t, h.plays, h.page_views, h.logins, h.login_attempts, h.sessions_started, h.level_changes
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.agg_hour h on h.hour >= r.a and h.hour < r.b
  where @by_hour

  union all

  select a.minute, a.plays, a.page_views, a.logins, a.login_attempts, a.sessions_started, a.level_changes
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.agg_minute a on a.minute >= r.a and a.minute < r.b and a.minute >= @from and a.minute < @to
  where not @by_hour
) loaded
group by t
