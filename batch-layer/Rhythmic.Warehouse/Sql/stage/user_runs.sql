-- The level runs already loaded of the users a load touches (dw.stg_user), outside the replaced hours (their runs are
-- deleted by then): with the replaced hours' runs, all the runs dim_user's rows of these users are built from.
select r.hour_us, r.user_id, r.first_ts_us, r.last_ts_us, r.level, r.first_name, r.last_name, r.gender, r.registration_us
from (
  select (extract(epoch from hour) * 1000000)::bigint as hour_us, user_id,
         (extract(epoch from first_ts) * 1000000)::bigint as first_ts_us, (extract(epoch from last_ts) * 1000000)::bigint as last_ts_us,
         level, first_name, last_name, gender, (extract(epoch from registration) * 1000000)::bigint as registration_us
  from dw.user_level_run
  where user_id in (select user_id from dw.stg_user)
) r
