-- Adds listen counts to their (minute, level, gender, state) rows. $1 minutes[], $2 levels[], $3 genders[], $4 states[], $5 counts[]
insert into serving.listens_minute as t (minute, level, gender, state, listens)
select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::bigint[])
on conflict (minute, level, gender, state) do update set listens = t.listens + excluded.listens
