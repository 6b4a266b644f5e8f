-- Distinct logged-in users per bucket of @grain in [@from, @to), exact across the seam: the user ids of both views
-- are united before they are counted, so a user active in a loaded hour and in a speed hour of one bucket counts once.
-- Batch: the users' level runs of each loaded hour (dw.user_level_run), or the facts (@facts: minute or second grain,
-- or a state filter). Speed: the actors each minute saw (serving.active_users_seen), guests left out.
-- Grain: one row per bucket with users. Key: t.
select t, count(distinct user_id)::bigint as value
from (
  select date_trunc(@grain, r.hour, 'UTC') as t, r.user_id
  from dw.user_level_run r
  join dw.load_state l on l.hour = r.hour
  where not @facts and r.hour >= @from and r.hour < @to
    and (@level::text is null or r.level = @level)
    and (@gender::text is null or r.gender = @gender)

  union all

  select date_trunc(@grain, f.ts, 'UTC'), u.user_id
  from dw.fact_page_view f
  join dw.load_state l on l.hour = date_trunc('hour', f.ts, 'UTC')
  join dw.dim_user u on u.user_key = f.user_key
  join dw.dim_location g on g.location_key = f.location_key
  where @facts and f.user_key <> 0
    and f.date_key between dw.date_key_of(@from) and dw.date_key_of(@to) and f.ts >= @from and f.ts < @to
    and (@level::text is null or f.level = @level)
    and (@gender::text is null or u.gender = @gender)
    and (@state::text is null or g.state = @state)

  union all

  select date_trunc(@grain, s.minute, 'UTC'), s.actor_id
  from serving.active_users_seen s
  where not s.is_guest and s.minute >= @from and s.minute < @to
    and not exists (select from dw.load_state l where l.hour = date_trunc('hour', s.minute, 'UTC'))
    and (@level::text is null or s.level = @level)
    and (@gender::text is null or s.gender = @gender)
    and (@state::text is null or s.state = @state)
) merged
group by t
