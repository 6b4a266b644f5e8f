-- The level runs the rebuilt dim_user rows of the users a load touches (dw.stg_user) come from, besides the replaced
-- hours' new runs (the old ones are deleted by then). A user rebuilt whole (stg_user.since null, set by 040) gives all
-- its runs. Any other user gives its runs from the first replaced hour on, and one run standing for those between its
-- rebuild's start (since) and that hour: they all lie in the dim_user row that starts at since, so they have its
-- level, and only their start (since) and the names of the last of them (the user's latest run when no later run is
-- left) count. So a load reads a few rows per user, not the user's history.
with first_hour as (
  select min(hour) as hour from dw.stg_hour
),
runs as (
  select r.hour, r.user_id, r.first_ts, r.last_ts, r.level, r.first_name, r.last_name, r.gender, r.registration
  from dw.user_level_run r
  join dw.stg_user s on s.user_id = r.user_id
  where s.since is null
  union all
  -- A run's hour is that of its first_ts: the runs from the first replaced hour on are a range of the primary key
  -- (hour first). The open upper bound makes the two a range, which the planner takes for narrow; with the lower bound
  -- alone, or an "or" with the branch above, it read every run (0.15 s and more on a month).
  select r.hour, r.user_id, r.first_ts, r.last_ts, r.level, r.first_name, r.last_name, r.gender, r.registration
  from dw.user_level_run r
  join dw.stg_user s on s.user_id = r.user_id
  where s.since is not null and r.hour >= (select hour from first_hour) and r.hour < 'infinity'
  union all
  select date_trunc('hour', s.since, 'UTC'), s.user_id, s.since, s.since, d.level, l.first_name, l.last_name, l.gender, l.registration
  from dw.stg_user s
  join dw.dim_user d on d.user_id = s.user_id and d.valid_from = s.since
  cross join lateral (
    select r.first_name, r.last_name, r.gender, r.registration from dw.user_level_run r
    where r.user_id = s.user_id and r.first_ts < (select hour from first_hour)
    order by r.first_ts desc limit 1
  ) l
  where s.since is not null
)
select (extract(epoch from hour) * 1000000)::bigint as hour_us, user_id,
       (extract(epoch from first_ts) * 1000000)::bigint as first_ts_us, (extract(epoch from last_ts) * 1000000)::bigint as last_ts_us,
       level, first_name, last_name, gender, (extract(epoch from registration) * 1000000)::bigint as registration_us
from runs
