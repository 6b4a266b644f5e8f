-- Adds events that came beyond the allowed lateness to their (topic, minute) rows. $1 topics[], $2 minutes[], $3 counts[]
insert into serving.late_events as t (topic, minute, events)
select * from unnest($1::text[], $2::timestamptz[], $3::bigint[])
on conflict (topic, minute) do update set events = t.events + excluded.events, last_seen_at = now()
