-- Models: agg_song_day, agg_location_day, agg_user_day (and agg_artist_day). Grain: one row per UTC date of the
-- replaced hours and song / location / (user, level). A date whose every fact lies in the replaced hours is "covered":
-- the fact pass counted all of it, and its rows are copied in after this. Any other date is rebuilt from the facts of
-- the whole date by 082. This step records the dates (covered until 081_uncovered finds otherwise) and deletes
-- the old rows of all of them.
insert into dw.stg_day (day, first_ts, end_ts, covered)
select distinct (hour at time zone 'UTC')::date, ((hour at time zone 'UTC')::date)::timestamp at time zone 'UTC',
       ((hour at time zone 'UTC')::date + 1)::timestamp at time zone 'UTC', true
from dw.stg_hour;

delete from dw.agg_song_day a using dw.stg_day d where a.day = d.day;
delete from dw.agg_artist_day a using dw.stg_day d where a.day = d.day;
delete from dw.agg_location_day a using dw.stg_day d where a.day = d.day;
delete from dw.agg_user_day a using dw.stg_day d where a.day = d.day;
