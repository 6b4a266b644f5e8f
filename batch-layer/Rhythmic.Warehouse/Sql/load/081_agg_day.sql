-- Models: agg_song_day, agg_artist_day, agg_location_day, agg_user_day. Grain: one row per UTC date of the replaced
-- hours and song / artist / location / (user, level). Rebuilt for whole dates from the facts of those dates.
create temp table if not exists load_days (day date primary key, first_ts timestamptz, end_ts timestamptz) on commit drop;
truncate load_days;
insert into load_days
select distinct (hour at time zone 'UTC')::date, ((hour at time zone 'UTC')::date)::timestamp at time zone 'UTC',
       ((hour at time zone 'UTC')::date + 1)::timestamp at time zone 'UTC'
from dw.stg_hour;

delete from dw.agg_song_day a using load_days d where a.day = d.day;
delete from dw.agg_artist_day a using load_days d where a.day = d.day;
delete from dw.agg_location_day a using load_days d where a.day = d.day;
delete from dw.agg_user_day a using load_days d where a.day = d.day;

with listens as (
  select d.day, f.song_key from dw.fact_listen f join load_days d on f.ts >= d.first_ts and f.ts < d.end_ts
)
insert into dw.agg_song_day (day, song_key, plays)
select day, song_key, count(*) from listens group by day, song_key;

with songs as (
  select a.day, s.artist, a.plays from dw.agg_song_day a join load_days d on d.day = a.day join dw.dim_song s using (song_key)
)
insert into dw.agg_artist_day (day, artist, plays)
select day, artist, sum(plays) from songs group by day, artist;

with page_views as (
  select d.day, p.location_key, p.page from dw.fact_page_view p join load_days d on p.ts >= d.first_ts and p.ts < d.end_ts
)
insert into dw.agg_location_day (day, location_key, plays, page_views)
select day, location_key, count(*) filter (where page = 'NextSong'), count(*) from page_views group by day, location_key;

with page_views as (
  select d.day, u.user_id, p.level, u.gender, p.page
  from dw.fact_page_view p join load_days d on p.ts >= d.first_ts and p.ts < d.end_ts
  join dw.dim_user u on u.user_key = p.user_key
  where p.user_key <> 0
)
insert into dw.agg_user_day (day, user_id, level, gender, events, plays)
select day, user_id, level, max(gender), count(*), count(*) filter (where page = 'NextSong')
from page_views group by day, user_id, level;
