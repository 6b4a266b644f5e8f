-- The distinct songs of the staged events, with the numbers the staged events refer to them by (song_ref), and their
-- keys: song_key is dw.key64 of the natural key (020_dim_song.sql), the key dim_song has or is given for the song.
insert into dw.stg_song (song_ref, artist, title, duration, song_key)
select song_ref, artist, title, duration, dw.key64(artist || chr(31) || title || chr(31) || duration::text)
from unnest($1::int[], $2::text[], $3::text[], $4::float8[]) as s (song_ref, artist, title, duration)
