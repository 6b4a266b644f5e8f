-- Model: dim_song. Grain: one row per (artist, title, duration). Key: song_key = dw.key64(natural key).
-- Adds the songs of the staged hours (dw.stg_song: each distinct song once) that the dimension lacks; a key collision
-- fails on the primary key. Then gives each staged song its key, which the facts take by song_ref.
with songs as (
  select distinct artist, title, duration from dw.stg_song
),
new_songs as (
  select s.* from songs s
  where not exists (select 1 from dw.dim_song d where d.artist = s.artist and d.title = s.title and d.duration = s.duration)
),
keyed as (
  select dw.key64(artist || chr(31) || title || chr(31) || duration::text) as song_key, artist, title, duration
  from new_songs
)
insert into dw.dim_song (song_key, artist, title, duration)
select song_key, artist, title, duration from keyed;

update dw.stg_song s set song_key = d.song_key
from dw.dim_song d where d.artist = s.artist and d.title = s.title and d.duration = s.duration;
