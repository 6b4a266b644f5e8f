-- The level runs already loaded of the users a load touches (dw.stg_user), outside the replaced hours (their runs are
-- deleted by then), from where each user's rebuild starts (stg_user.since, set by 040): with the replaced hours' runs,
-- all the runs the rebuilt dim_user rows of these users come from, the user's latest run among them.
select r.hour_us, r.user_id, r.first_ts_us, r.last_ts_us, r.level, r.first_name, r.last_name, r.gender, r.registration_us
from (
  select (extract(epoch from r.hour) * 1000000)::bigint as hour_us, r.user_id,
         (extract(epoch from first_ts) * 1000000)::bigint as first_ts_us, (extract(epoch from last_ts) * 1000000)::bigint as last_ts_us,
         level, first_name, last_name, gender, (extract(epoch from registration) * 1000000)::bigint as registration_us
  from dw.user_level_run r
  join dw.stg_user s on s.user_id = r.user_id
  where s.since is null or r.first_ts >= s.since
) r
