-- DuckDB builds the same star schema from the same Parquet files ({lake} = lake root), for rhythmic bench warehouse:
-- the dimensions and every fact table of the full load (not its aggregate tables, nor indexes, which DuckDB does not need).
create table dim_song as
with songs as (select distinct artist, song, duration from read_parquet('{lake}/raw/listen_events/**/*.parquet'))
select hash(artist, song, duration) as song_key, artist, song as title, duration from songs;
create table dim_location as
with places as (select distinct city, state, zip, lat, lon from read_parquet('{lake}/raw/page_view_events/**/*.parquet'))
select hash(city, state, zip, lat, lon) as location_key, * from places;
-- dim_user_agent's keys and texts (the families the loader parses are left out: a few dozen rows).
create table dim_user_agent as
with agents as (select distinct userAgent as user_agent from read_parquet('{lake}/raw/page_view_events/**/*.parquet'))
select hash(user_agent) as user_agent_key, user_agent from agents;
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
       s.song_key, l.location_key, e.sessionId as session_id, e.itemInSession as item_in_session, e.level, e.duration, coalesce(a.user_agent_key, 0) as user_agent_key, e.ts
from read_parquet('{lake}/raw/listen_events/**/*.parquet') e
join dim_song s on s.artist = e.artist and s.title = e.song and s.duration = e.duration
join dim_location l on l.city = e.city and l.state = e.state and l.zip = e.zip and l.lat = e.lat and l.lon = e.lon
left join dim_user u on u.user_id = e.userId and e.ts >= u.valid_from and e.ts < u.valid_to
left join dim_user_agent a on a.user_agent = e.userAgent;
create table fact_page_view as
select cast(strftime(e.ts, '%Y%m%d') as bigint) as date_key, epoch(e.ts)::bigint % 86400 as time_key, coalesce(u.user_key, 0) as user_key,
       coalesce(s.song_key, 0) as song_key, l.location_key, e.sessionId as session_id, e.itemInSession as item_in_session, e.level,
       e.page, e.auth, e.method, e.status, coalesce(a.user_agent_key, 0) as user_agent_key, e.ts
from read_parquet('{lake}/raw/page_view_events/**/*.parquet') e
left join dim_song s on s.artist = e.artist and s.title = e.song and s.duration = e.duration
join dim_location l on l.city = e.city and l.state = e.state and l.zip = e.zip and l.lat = e.lat and l.lon = e.lon
left join dim_user u on u.user_id = e.userId and e.ts >= u.valid_from and e.ts < u.valid_to
left join dim_user_agent a on a.user_agent = e.userAgent;
create table fact_auth as
select cast(strftime(e.ts, '%Y%m%d') as bigint) as date_key, epoch(e.ts)::bigint % 86400 as time_key, coalesce(u.user_key, 0) as user_key,
       l.location_key, e.sessionId as session_id, e.itemInSession as item_in_session, e.level, e.success as is_success,
       coalesce(a.user_agent_key, 0) as user_agent_key, e.ts
from read_parquet('{lake}/raw/auth_events/**/*.parquet') e
join dim_location l on l.city = e.city and l.state = e.state and l.zip = e.zip and l.lat = e.lat and l.lon = e.lon
left join dim_user u on u.user_id = e.userId and e.ts >= u.valid_from and e.ts < u.valid_to
left join dim_user_agent a on a.user_agent = e.userAgent;
create table fact_level_change as
select cast(strftime(e.ts, '%Y%m%d') as bigint) as date_key, epoch(e.ts)::bigint % 86400 as time_key, coalesce(u.user_key, 0) as user_key,
       l.location_key, e.sessionId as session_id, e.itemInSession as item_in_session, e.level as from_level,
       case when e.level = 'free' then 'paid' else 'free' end as to_level, e.ts
from read_parquet('{lake}/raw/status_change_events/**/*.parquet') e
join dim_location l on l.city = e.city and l.state = e.state and l.zip = e.zip and l.lat = e.lat and l.lon = e.lon
left join dim_user u on u.user_id = e.userId and e.ts >= u.valid_from and e.ts < u.valid_to;
-- One row per session, from its page views (every event), as dw.fact_session: user of its first logged-in event,
-- level, place and start of its first event.
create table fact_session as
select session_id, arg_min(date_key, ts) as date_key, arg_min(time_key, ts) as time_key,
       coalesce(arg_min(user_key, ts) filter (where user_key <> 0), 0) as user_key, arg_min(location_key, ts) as location_key,
       arg_min(level, ts) as level, min(ts) as start_ts, max(ts) as end_ts, count(*)::int as events,
       (count(*) filter (where page = 'NextSong'))::int as listens
from fact_page_view
group by session_id;
-- dim_date (the loaded dates; US holidays are not computed here, a few dozen rows) and dim_time (86,400 rows).
create table dim_date as
select date_key, d as date, day(d) as day, isodow(d) as day_of_week, dayname(d) as day_name, week(d) as week_of_year,
       isoyear(d) as iso_year, month(d) as month, monthname(d) as month_name, quarter(d) as quarter, year(d) as year,
       isodow(d) >= 6 as is_weekend
from (select distinct date_key, strptime(date_key::varchar, '%Y%m%d')::date as d from fact_page_view);
create table dim_time as
select t as time_key, (t // 3600)::smallint as hour, (t % 3600 // 60)::smallint as minute, (t % 60)::smallint as second
from range(86400) r(t);
