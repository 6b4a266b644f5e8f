-- The distinct songs of the staged events, with the numbers the staged events refer to them by (song_ref).
insert into dw.stg_song (song_ref, artist, title, duration)
select * from unnest($1::int[], $2::text[], $3::text[], $4::float8[])
