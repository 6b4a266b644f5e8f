-- Adds started sessions to their (minute, level) rows. $1 minutes[], $2 levels[], $3 counts[]
insert into serving.sessions_started_minute as t (minute, level, sessions)
select * from unnest($1::timestamptz[], $2::text[], $3::bigint[])
on conflict (minute, level) do update set sessions = t.sessions + excluded.sessions
