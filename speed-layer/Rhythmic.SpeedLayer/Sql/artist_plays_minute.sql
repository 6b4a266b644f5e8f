-- Adds plays to their (minute, artist) rows. $1 minutes[], $2 artists[], $3 counts[]
insert into serving.artist_plays_minute as t (minute, artist, plays)
select * from unnest($1::timestamptz[], $2::text[], $3::bigint[])
on conflict (minute, artist) do update set plays = t.plays + excluded.plays
