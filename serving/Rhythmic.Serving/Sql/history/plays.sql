-- Plays per bucket of @grain in [@from, @to), besides the warehouse's totals (totals.sql): from the facts of the
-- loaded hours (@batch_from/@batch_to) when a filter or the second grain needs them (@facts), and from the speed view
-- over every hour the warehouse has not loaded (@speed_from/@speed_to). The caller planned the ranges (SeamPlan); they
-- do not overlap, so nothing is counted twice or missed. The session's time zone is UTC (ServingReads).
-- Grain: one row per bucket with any. Key: t.
select t, sum(value)::bigint as value
from (
  select date_trunc(@grain, f.ts) as t, count(*) as value
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.fact_listen f on f.ts >= r.a and f.ts < r.b
  join dw.dim_user u on u.user_key = f.user_key
  join dw.dim_location g on g.location_key = f.location_key
  where @facts and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
    and (@level::text is null or f.level = @level)
    and (@gender::text is null or u.gender = @gender)
    and (@state::text is null or g.state = @state)
  group by 1

  union all

  select date_trunc(@grain, s.minute), s.listens
  from unnest(@speed_from::timestamptz[], @speed_to::timestamptz[]) r(a, b)
  join serving.listens_minute s on s.minute >= r.a and s.minute < r.b and s.minute >= @from and s.minute < @to
  where (@level::text is null or s.level = @level)
    and (@gender::text is null or s.gender = @gender)
    and (@state::text is null or s.state = @state)
) merged
group by t
