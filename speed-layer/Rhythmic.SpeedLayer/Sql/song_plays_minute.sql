-- Adds plays to their (minute, artist, song) rows. $1 minutes[], $2 artists[], $3 songs[], $4 counts[]
insert into serving.song_plays_minute as t (minute, artist, song, plays)
select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[])
on conflict (minute, artist, song) do update set plays = t.plays + excluded.plays
