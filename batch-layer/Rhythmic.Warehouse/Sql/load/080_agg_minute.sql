-- Model: agg_minute. Grain: one row per UTC minute of the replaced hours with any event. Key: minute.
delete from dw.agg_minute a using dw.stg_hour h where a.minute >= h.hour and a.minute < h.hour + interval '1 hour';

with hours as (
  select hour, hour + interval '1 hour' as hour_end from dw.stg_hour
),
page_views as (
  select date_trunc('minute', p.ts, 'UTC') as minute, count(*) as page_views,
         count(*) filter (where p.item_in_session = 0) as sessions_started
  from dw.fact_page_view p join hours h on p.ts >= h.hour and p.ts < h.hour_end group by 1
),
plays as (
  select date_trunc('minute', f.ts, 'UTC') as minute, count(*) as plays
  from dw.fact_listen f join hours h on f.ts >= h.hour and f.ts < h.hour_end group by 1
),
logins as (
  select date_trunc('minute', f.ts, 'UTC') as minute, count(*) as attempts, count(*) filter (where f.is_success) as logins
  from dw.fact_auth f join hours h on f.ts >= h.hour and f.ts < h.hour_end group by 1
),
changes as (
  select date_trunc('minute', f.ts, 'UTC') as minute, count(*) as changes
  from dw.fact_level_change f join hours h on f.ts >= h.hour and f.ts < h.hour_end group by 1
),
minutes as (
  select minute from page_views union select minute from plays union select minute from logins union select minute from changes
)
insert into dw.agg_minute (minute, date_key, plays, page_views, login_attempts, logins, level_changes, sessions_started)
select m.minute, dw.date_key_of(m.minute), coalesce(pl.plays, 0), coalesce(pv.page_views, 0), coalesce(l.attempts, 0),
       coalesce(l.logins, 0), coalesce(c.changes, 0), coalesce(pv.sessions_started, 0)
from minutes m
left join page_views pv on pv.minute = m.minute
left join plays pl on pl.minute = m.minute
left join logins l on l.minute = m.minute
left join changes c on c.minute = m.minute
