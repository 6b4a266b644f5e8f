-- Adds login attempts to their (minute, success) rows. $1 minutes[], $2 successes[], $3 counts[]
insert into serving.auth_minute as t (minute, success, attempts)
select * from unnest($1::timestamptz[], $2::boolean[], $3::bigint[])
on conflict (minute, success) do update set attempts = t.attempts + excluded.attempts
