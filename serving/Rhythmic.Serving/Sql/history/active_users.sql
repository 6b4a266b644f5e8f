-- Distinct logged-in users per bucket of @grain in [@from, @to), exact across the seam the caller planned (SeamPlan).
-- Whole loaded days at day grain without a filter (@days) are the warehouse's distinct users of the day
-- (dw.agg_day_users). Every other bucket unites the user ids of both views before counting, so a user active in a
-- loaded hour and in a speed hour of one bucket counts once: batch ids from the level runs of the loaded hours
-- (@batch_from/@batch_to, whole days above excluded), or from the facts (@facts: minute or second grain, a state
-- filter); speed ids from the actors each minute saw (@speed_from/@speed_to), guests left out.
-- The session's time zone is UTC (ServingReads), so date_trunc and date::timestamptz are UTC.
-- Grain: one row per bucket with users. Key: t.
select d.day::timestamptz as t, d.users as value
from dw.agg_day_users d
where d.day = any (@days::date[])

union all

select t, count(distinct user_id)::bigint
from (
  select date_trunc(@grain, r.hour) as t, r.user_id
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) w(a, b)
  join dw.user_level_run r on r.hour >= w.a and r.hour < w.b
  where not @facts
    and (@level::text is null or r.level = @level)
    and (@gender::text is null or r.gender = @gender)

  union all

  select date_trunc(@grain, f.ts), u.user_id
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) w(a, b)
  join dw.fact_page_view f on f.ts >= w.a and f.ts < w.b
  join dw.dim_user u on u.user_key = f.user_key
  join dw.dim_location g on g.location_key = f.location_key
  where @facts and f.user_key <> 0
    and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
    and (@level::text is null or f.level = @level)
    and (@gender::text is null or u.gender = @gender)
    and (@state::text is null or g.state = @state)

  union all

  select date_trunc(@grain, s.minute), s.actor_id
  from unnest(@speed_from::timestamptz[], @speed_to::timestamptz[]) w(a, b)
  join serving.active_users_seen s on s.minute >= w.a and s.minute < w.b and s.minute >= @from and s.minute < @to
  where not s.is_guest
    and (@level::text is null or s.level = @level)
    and (@gender::text is null or s.gender = @gender)
    and (@state::text is null or s.state = @state)
) merged
group by t
