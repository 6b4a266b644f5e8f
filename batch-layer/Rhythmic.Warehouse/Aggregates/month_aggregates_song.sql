-- Model: agg_song_month. Grain: one row per month (its first date) and song. Key: (month, song_key).
-- Adds to each month and song the difference between the replaced dates' new rows of agg_song_day and their old ones
-- (day_aggregates_dates kept them): only the songs whose plays changed are written. When the table was empty the fact pass's counts
-- of the covered dates went straight in ($1 = true), and only the other dates are counted here. A row left with no
-- plays goes in month_aggregates_emptied.
with new as (
  select date_trunc('month', a.day::timestamp)::date as month, a.song_key, sum(a.plays) as plays
  from dw.agg_song_day a
  where a.day = any (array(select day from dw.stg_day where not ($1 and covered)))
  group by 1, 2
),
old as (
  select date_trunc('month', o.day::timestamp)::date as month, o.song_key, sum(o.plays) as plays
  from dw.stg_song_day_old o
  group by 1, 2
),
difference as (
  select coalesce(n.month, o.month) as month, coalesce(n.song_key, o.song_key) as song_key,
         coalesce(n.plays, 0) - coalesce(o.plays, 0) as plays
  from new n full join old o on o.month = n.month and o.song_key = n.song_key
)
insert into dw.agg_song_month (month, song_key, plays)
select month, song_key, plays from difference where plays <> 0
on conflict (month, song_key) do update set plays = dw.agg_song_month.plays + excluded.plays
