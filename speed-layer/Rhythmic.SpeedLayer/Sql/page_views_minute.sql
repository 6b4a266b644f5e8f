-- Adds page views to their (minute, page, level, status) rows. $1 minutes[], $2 pages[], $3 levels[], $4 statuses[], $5 counts[]
insert into serving.page_views_minute as t (minute, page, level, status, views)
select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::int[], $5::bigint[])
on conflict (minute, page, level, status) do update set views = t.views + excluded.views
