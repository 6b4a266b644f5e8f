-- DuckDB builds the same star schema from the same Parquet files ({lake} = lake root), for rhythmic bench warehouse.
create table dim_song as
with songs as (select distinct artist, song, duration from read_parquet('{lake}/raw/listen_events/**/*.parquet'))
select hash(artist, song, duration) as song_key, artist, song as title, duration from songs;
create table dim_location as
with places as (select distinct city, state, zip, lat, lon from read_parquet('{lake}/raw/page_view_events/**/*.parquet'))
select hash(city, state, zip, lat, lon) as location_key, * from places;
create table dim_user as
with obs as (
  select userId as user_id, ts, min(level) as level, max(firstName) as first_name, max(lastName) as last_name, max(gender) as gender
  from read_parquet('{lake}/raw/page_view_events/**/*.parquet') where userId is not null group by 1, 2
),
marked as (select *, case when level is distinct from lag(level) over (partition by user_id order by ts) then 1 else 0 end as is_new from obs),
numbered as (select *, sum(is_new) over (partition by user_id order by ts) as version_no from marked),
versions as (select user_id, version_no, level, min(ts) as valid_from, max(first_name) as first_name, max(last_name) as last_name, max(gender) as gender
             from numbered group by all)
select hash(user_id, valid_from) as user_key, user_id, first_name, last_name, gender, level, valid_from,
       coalesce(lead(valid_from) over (partition by user_id order by valid_from), timestamp '9999-01-01') as valid_to
from versions;
create table fact_listen as
select cast(strftime(e.ts, '%Y%m%d') as bigint) as date_key, epoch(e.ts)::bigint % 86400 as time_key, coalesce(u.user_key, 0) as user_key,
       s.song_key, l.location_key, e.sessionId as session_id, e.itemInSession as item_in_session, e.level, e.duration, e.userAgent as user_agent, e.ts
from read_parquet('{lake}/raw/listen_events/**/*.parquet') e
join dim_song s on s.artist = e.artist and s.title = e.song and s.duration = e.duration
join dim_location l on l.city = e.city and l.state = e.state and l.zip = e.zip and l.lat = e.lat and l.lon = e.lon
left join dim_user u on u.user_id = e.userId and e.ts >= u.valid_from and e.ts < u.valid_to;
create table fact_page_view as
select cast(strftime(e.ts, '%Y%m%d') as bigint) as date_key, epoch(e.ts)::bigint % 86400 as time_key, coalesce(u.user_key, 0) as user_key,
       coalesce(s.song_key, 0) as song_key, l.location_key, e.sessionId as session_id, e.itemInSession as item_in_session, e.level,
       e.page, e.auth, e.method, e.status, e.userAgent as user_agent, e.ts
from read_parquet('{lake}/raw/page_view_events/**/*.parquet') e
left join dim_song s on s.artist = e.artist and s.title = e.song and s.duration = e.duration
join dim_location l on l.city = e.city and l.state = e.state and l.zip = e.zip and l.lat = e.lat and l.lon = e.lon
left join dim_user u on u.user_id = e.userId and e.ts >= u.valid_from and e.ts < u.valid_to;
create table fact_auth as
select cast(strftime(e.ts, '%Y%m%d') as bigint) as date_key, epoch(e.ts)::bigint % 86400 as time_key, coalesce(u.user_key, 0) as user_key,
       l.location_key, e.sessionId as session_id, e.level, e.success as is_success, e.ts
from read_parquet('{lake}/raw/auth_events/**/*.parquet') e
join dim_location l on l.city = e.city and l.state = e.state and l.zip = e.zip and l.lat = e.lat and l.lon = e.lon
left join dim_user u on u.user_id = e.userId and e.ts >= u.valid_from and e.ts < u.valid_to;
