-- The @n most played songs of a window, merged over the seam the caller planned (SeamPlan): whole loaded days from
-- dw.agg_song_day (@days), the other loaded hours from the facts (@batch_from/@batch_to ranges), every hour the
-- warehouse has not loaded from the speed view (@speed_from/@speed_to ranges). The ranges do not overlap.
-- Grain: one row per (artist, song). Key: (artist, song).
with plays as (
  select s.artist, s.title as song, a.plays
  from dw.agg_song_day a
  join dw.dim_song s on s.song_key = a.song_key
  where a.day = any (@days::date[])

  union all

  select s.artist, s.title, count(*)
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.fact_listen f on f.ts >= r.a and f.ts < r.b
  join dw.dim_song s on s.song_key = f.song_key
  group by s.artist, s.title

  union all

  select p.artist, p.song, p.plays
  from unnest(@speed_from::timestamptz[], @speed_to::timestamptz[]) r(a, b)
  join serving.song_plays_minute p on p.minute >= r.a and p.minute < r.b
)

select artist, song, sum(plays)::bigint as plays
from plays
group by artist, song
order by plays desc, artist, song
limit @n
