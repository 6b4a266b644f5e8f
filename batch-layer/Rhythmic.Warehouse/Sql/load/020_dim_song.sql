-- Model: dim_song. Grain: one row per (artist, title, duration). Key: song_key = dw.key64(natural key), which staging
-- computed (stage/songs.sql), so the facts take it by song_ref without reading the dimension back.
-- Adds the songs of the staged hours that the dimension lacks (dw.stg_song holds each distinct song once per lane of
-- the dimension pass, hence distinct); a key collision (two natural keys, one key) fails on the primary key.
insert into dw.dim_song (song_key, artist, title, duration)
select distinct s.song_key, s.artist, s.title, s.duration
from dw.stg_song s
where not exists (select 1 from dw.dim_song d where d.artist = s.artist and d.title = s.title and d.duration = s.duration)
