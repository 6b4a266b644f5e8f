-- Models: agg_song_day, agg_location_day, agg_user_day (and agg_artist_day, agg_song_day_top, agg_day_users). Grain:
-- one row per UTC date of the replaced hours and song / location / (user, level). A date whose every fact lies in the
-- replaced hours is "covered": the fact pass counted all of it, and its rows are copied in after this. Any other date
-- is rebuilt from the facts of the whole date by 082. This step records the dates (covered until 081_uncovered finds
-- otherwise), takes what their old rows counted out of the month aggregates (084 and 085 add the new rows), and
-- deletes the old rows of all of them.
insert into dw.stg_day (day, first_ts, end_ts, covered)
select distinct (hour at time zone 'UTC')::date, ((hour at time zone 'UTC')::date)::timestamp at time zone 'UTC',
       ((hour at time zone 'UTC')::date + 1)::timestamp at time zone 'UTC', true
from dw.stg_hour;

-- agg_song_month: a song's plays of the month less those of the dates; a row left with none goes.
with old as (
  select date_trunc('month', a.day::timestamp)::date as month, a.song_key, sum(a.plays) as plays
  from dw.stg_day d join dw.agg_song_day a on a.day = d.day
  group by 1, 2
)
delete from dw.agg_song_month m using old o where m.month = o.month and m.song_key = o.song_key and m.plays = o.plays;

with old as (
  select date_trunc('month', a.day::timestamp)::date as month, a.song_key, sum(a.plays) as plays
  from dw.stg_day d join dw.agg_song_day a on a.day = d.day
  group by 1, 2
)
update dw.agg_song_month m set plays = m.plays - o.plays from old o where m.month = o.month and m.song_key = o.song_key;

-- agg_user_month: the dates' bits cleared; a row left with no day goes.
with old as (
  select date_trunc('month', a.day::timestamp)::date as month, a.user_id, a.level, a.gender,
         bit_or(1 << (extract(day from a.day)::int - 1)) as days
  from dw.stg_day d join dw.agg_user_day a on a.day = d.day
  group by 1, 2, 3, 4
)
delete from dw.agg_user_month m using old o
where m.month = o.month and m.user_id = o.user_id and m.level = o.level and m.gender is not distinct from o.gender
  and m.days & ~o.days = 0;

with old as (
  select date_trunc('month', a.day::timestamp)::date as month, a.user_id, a.level, a.gender,
         bit_or(1 << (extract(day from a.day)::int - 1)) as days
  from dw.stg_day d join dw.agg_user_day a on a.day = d.day
  group by 1, 2, 3, 4
)
update dw.agg_user_month m set days = m.days & ~o.days from old o
where m.month = o.month and m.user_id = o.user_id and m.level = o.level and m.gender is not distinct from o.gender;

delete from dw.agg_song_day a using dw.stg_day d where a.day = d.day;
delete from dw.agg_song_day_top a using dw.stg_day d where a.day = d.day;
delete from dw.agg_artist_day a using dw.stg_day d where a.day = d.day;
delete from dw.agg_location_day a using dw.stg_day d where a.day = d.day;
delete from dw.agg_user_day a using dw.stg_day d where a.day = d.day;
delete from dw.agg_day_users a using dw.stg_day d where a.day = d.day;
