-- Model: agg_minute. Grain: one row per UTC minute of the replaced hours with any event. Key: minute.
-- The facts of the replaced hours are found by (date_key, hour of time_key), integers, and bounded by ts so the scan
-- stays within the partitions and BRIN ranges of the batch; minutes are grouped as (date_key, minute of the day).
delete from dw.agg_minute a using dw.stg_hour h where a.minute >= h.hour and a.minute < h.hour + interval '1 hour';

with hours as (
  select dw.date_key_of(hour) as date_key, (extract(hour from hour at time zone 'UTC'))::bigint as hour_of_day from dw.stg_hour
),
bounds as (
  select min(hour) as lo, max(hour) + interval '1 hour' as hi from dw.stg_hour
),
page_views as (
  select p.date_key, p.time_key / 60 as minute_of_day, count(*) as page_views,
         count(*) filter (where p.item_in_session = 0) as sessions_started
  from dw.fact_page_view p, bounds b
  where p.ts >= b.lo and p.ts < b.hi and (p.date_key, p.time_key / 3600) in (select date_key, hour_of_day from hours)
  group by 1, 2
),
plays as (
  select f.date_key, f.time_key / 60 as minute_of_day, count(*) as plays
  from dw.fact_listen f, bounds b
  where f.ts >= b.lo and f.ts < b.hi and (f.date_key, f.time_key / 3600) in (select date_key, hour_of_day from hours)
  group by 1, 2
),
logins as (
  select f.date_key, f.time_key / 60 as minute_of_day, count(*) as attempts, count(*) filter (where f.is_success) as logins
  from dw.fact_auth f, bounds b
  where f.ts >= b.lo and f.ts < b.hi and (f.date_key, f.time_key / 3600) in (select date_key, hour_of_day from hours)
  group by 1, 2
),
changes as (
  select f.date_key, f.time_key / 60 as minute_of_day, count(*) as changes
  from dw.fact_level_change f, bounds b
  where f.ts >= b.lo and f.ts < b.hi and (f.date_key, f.time_key / 3600) in (select date_key, hour_of_day from hours)
  group by 1, 2
),
minutes as (
  select date_key, minute_of_day from page_views union select date_key, minute_of_day from plays
  union select date_key, minute_of_day from logins union select date_key, minute_of_day from changes
)
insert into dw.agg_minute (minute, date_key, plays, page_views, login_attempts, logins, level_changes, sessions_started)
select (d.date + make_interval(mins => m.minute_of_day::int)) at time zone 'UTC', m.date_key, coalesce(pl.plays, 0),
       coalesce(pv.page_views, 0), coalesce(l.attempts, 0), coalesce(l.logins, 0), coalesce(c.changes, 0),
       coalesce(pv.sessions_started, 0)
from minutes m
join dw.dim_date d on d.date_key = m.date_key
left join page_views pv on pv.date_key = m.date_key and pv.minute_of_day = m.minute_of_day
left join plays pl on pl.date_key = m.date_key and pl.minute_of_day = m.minute_of_day
left join logins l on l.date_key = m.date_key and l.minute_of_day = m.minute_of_day
left join changes c on c.date_key = m.date_key and c.minute_of_day = m.minute_of_day
