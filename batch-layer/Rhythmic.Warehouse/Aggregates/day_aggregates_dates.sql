-- Models: agg_song_day, agg_location_day, agg_user_day (and agg_artist_day, agg_song_day_top, agg_day_users). Grain:
-- one row per UTC date of the replaced hours and song / location / (user, level). A date whose every fact lies in the
-- replaced hours is "covered": the fact pass counted all of it, and its rows are copied in after this. Any other date
-- is rebuilt from the facts of the whole date by day_aggregates_rebuild. This step records the dates (covered until day_aggregates_uncovered finds
-- otherwise) and deletes the old rows of all of them, keeping the old song and user rows for the month aggregates
-- (month_aggregates_song and _user apply the difference). The dates' rows are found by the day tables' primary keys (= any of the dates).
insert into dw.stg_day (day, first_ts, end_ts, covered)
select distinct (hour at time zone 'UTC')::date, ((hour at time zone 'UTC')::date)::timestamp at time zone 'UTC',
       ((hour at time zone 'UTC')::date + 1)::timestamp at time zone 'UTC', true
from dw.stg_hour;

truncate dw.stg_song_day_old, dw.stg_user_day_old;

with old as (
  delete from dw.agg_song_day a where a.day = any (array(select day from dw.stg_day)) returning a.day, a.song_key, a.plays
)
insert into dw.stg_song_day_old (day, song_key, plays) select day, song_key, plays from old;

with old as (
  delete from dw.agg_user_day a where a.day = any (array(select day from dw.stg_day)) returning a.day, a.user_id, a.level, a.gender
)
insert into dw.stg_user_day_old (day, user_id, level, gender) select day, user_id, level, gender from old;

delete from dw.agg_song_day_top a where a.day = any (array(select day from dw.stg_day));
delete from dw.agg_artist_day a where a.day = any (array(select day from dw.stg_day));
delete from dw.agg_location_day a where a.day = any (array(select day from dw.stg_day));
delete from dw.agg_day_users a where a.day = any (array(select day from dw.stg_day));
