-- Adds level changes to their (minute, from_level, to_level) rows. $1 minutes[], $2 from[], $3 to[], $4 counts[]
insert into serving.level_changes_minute as t (minute, from_level, to_level, changes)
select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[])
on conflict (minute, from_level, to_level) do update set changes = t.changes + excluded.changes
