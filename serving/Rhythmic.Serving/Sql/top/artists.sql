-- The @n most played artists of a window, merged over the planned seam like top/songs.sql.
-- Grain: one row per artist. Key: artist.
with plays as (
  select a.artist, a.plays
  from dw.agg_artist_day a
  where a.day = any (@days::date[])

  union all

  select s.artist, count(*)
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.fact_listen f on f.ts >= r.a and f.ts < r.b
  join dw.dim_song s on s.song_key = f.song_key
  group by s.artist

  union all

  select p.artist, p.plays
  from unnest(@speed_from::timestamptz[], @speed_to::timestamptz[]) r(a, b)
  join serving.artist_plays_minute p on p.minute >= r.a and p.minute < r.b
)

select artist, sum(plays)::bigint as plays
from plays
group by artist
order by plays desc, artist
limit @n
