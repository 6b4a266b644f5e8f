-- Models: agg_song_day, agg_location_day, agg_user_day (then agg_day_users), for the dates of the
-- replaced hours that are not covered (day_aggregates_uncovered): rebuilt from the facts of the whole date. The loader runs this only when
-- such a date exists. Each fact read also has the dates' outer bounds as init plans (constants to the scan), so the ts
-- BRIN index reads only their page ranges whatever join the planner picks for stg_day.
with listens as (
  select d.day, f.song_key from dw.fact_listen f join dw.stg_day d on not d.covered and f.ts >= d.first_ts and f.ts < d.end_ts
  where f.ts >= (select min(first_ts) from dw.stg_day where not covered) and f.ts < (select max(end_ts) from dw.stg_day where not covered)
)
insert into dw.agg_song_day (day, song_key, plays)
select day, song_key, count(*) from listens group by day, song_key;

with page_views as (
  select d.day, p.location_key, p.page from dw.fact_page_view p join dw.stg_day d on not d.covered and p.ts >= d.first_ts and p.ts < d.end_ts
  where p.ts >= (select min(first_ts) from dw.stg_day where not covered) and p.ts < (select max(end_ts) from dw.stg_day where not covered)
)
insert into dw.agg_location_day (day, location_key, plays, page_views)
select day, location_key, count(*) filter (where page = 'NextSong'), count(*) from page_views group by day, location_key;

with page_views as (
  select d.day, u.user_id, p.level, u.gender, p.page
  from dw.fact_page_view p join dw.stg_day d on not d.covered and p.ts >= d.first_ts and p.ts < d.end_ts
  join dw.dim_user u on u.user_key = p.user_key
  where p.user_key <> 0
    and p.ts >= (select min(first_ts) from dw.stg_day where not covered) and p.ts < (select max(end_ts) from dw.stg_day where not covered)
)
insert into dw.agg_user_day (day, user_id, level, gender, events, plays)
select day, user_id, level, max(gender), count(*), count(*) filter (where page = 'NextSong')
from page_views group by day, user_id, level;

-- agg_day_users of those dates, from their rows just rebuilt (day_aggregates_top.sql ranks their songs).
insert into dw.agg_day_users (day, users, plays)
select a.day, count(distinct a.user_id), sum(a.plays)
from dw.agg_user_day a
where a.day = any (array(select day from dw.stg_day where not covered))
group by a.day
