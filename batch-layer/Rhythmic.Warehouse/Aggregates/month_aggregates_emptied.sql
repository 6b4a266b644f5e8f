-- The month rows that month_aggregates_song and _user left with no plays or no day (only rows of the replaced dates' old rows can be) go,
-- and the old rows are let go.
with old as (
  select distinct date_trunc('month', day::timestamp)::date as month, song_key from dw.stg_song_day_old
)
delete from dw.agg_song_month m using old o where m.month = o.month and m.song_key = o.song_key and m.plays = 0;

with old as (
  select distinct date_trunc('month', day::timestamp)::date as month, user_id, level, gender from dw.stg_user_day_old
)
delete from dw.agg_user_month m using old o
where m.month = o.month and m.user_id = o.user_id and m.level = o.level and m.gender is not distinct from o.gender and m.days = 0;

truncate dw.stg_song_day_old, dw.stg_user_day_old
