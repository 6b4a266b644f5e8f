-- Model: reconcile differences for the hour $1. Grain: one row per measure, minute and key whose speed-layer total
-- (serving.*) differs from the warehouse's, unless the late events the speed layer counted for that topic and minute
-- (serving.late_events) explain it: every key's warehouse value at least the speed value, and the minute's total
-- excess equal to those late events (at most them, for distinct users, which do not add up).
with bounds as (
  select $1::timestamptz as lo, $1::timestamptz + interval '1 hour' as hi
),
late as (
  select l.topic, l.minute, sum(l.events) as events from serving.late_events l, bounds b
  where l.minute >= b.lo and l.minute < b.hi group by 1, 2
),
speed_listens as (
  select s.minute, s.artist || ' / ' || s.song as key, sum(s.plays) as n from serving.song_plays_minute s, bounds b
  where s.minute >= b.lo and s.minute < b.hi group by 1, 2
),
dw_listens as (
  select date_trunc('minute', f.ts, 'UTC') as minute, s.artist || ' / ' || s.title as key, count(*) as n
  from dw.fact_listen f join dw.dim_song s on s.song_key = f.song_key, bounds b
  where f.ts >= b.lo and f.ts < b.hi group by 1, 2
),
speed_page_views as (
  select p.minute, p.page || ' / ' || p.level || ' / ' || p.status as key, sum(p.views) as n from serving.page_views_minute p, bounds b
  where p.minute >= b.lo and p.minute < b.hi group by 1, 2
),
dw_page_views as (
  select date_trunc('minute', f.ts, 'UTC') as minute, f.page || ' / ' || f.level || ' / ' || f.status as key, count(*) as n
  from dw.fact_page_view f, bounds b
  where f.ts >= b.lo and f.ts < b.hi group by 1, 2
),
speed_logins as (
  select a.minute, case when a.success then 'success' else 'failure' end as key, sum(a.attempts) as n from serving.auth_minute a, bounds b
  where a.minute >= b.lo and a.minute < b.hi group by 1, 2
),
dw_logins as (
  select date_trunc('minute', f.ts, 'UTC') as minute, case when f.is_success then 'success' else 'failure' end as key, count(*) as n
  from dw.fact_auth f, bounds b
  where f.ts >= b.lo and f.ts < b.hi group by 1, 2
),
speed_users as (
  select u.minute, u.level as key, sum(u.users) as n from serving.active_users_minute u, bounds b
  where u.minute >= b.lo and u.minute < b.hi group by 1, 2
),
-- An actor is a user, or a guest's session (as the speed layer counts them).
dw_users as (
  select date_trunc('minute', f.ts, 'UTC') as minute, f.level as key,
         count(distinct case when f.user_key = 0 then -1 - f.session_id else u.user_id end) as n
  from dw.fact_page_view f join dw.dim_user u on u.user_key = f.user_key, bounds b
  where f.ts >= b.lo and f.ts < b.hi group by 1, 2
),
compared as (
  select 'listens per song' as measure, 'listen_events' as topic, coalesce(s.minute, w.minute) as minute, coalesce(s.key, w.key) as key,
         coalesce(s.n, 0) as speed_value, coalesce(w.n, 0) as warehouse_value, true as additive
  from speed_listens s full join dw_listens w on w.minute = s.minute and w.key = s.key
  union all
  select 'page views', 'page_view_events', coalesce(s.minute, w.minute), coalesce(s.key, w.key), coalesce(s.n, 0), coalesce(w.n, 0), true
  from speed_page_views s full join dw_page_views w on w.minute = s.minute and w.key = s.key
  union all
  select 'logins', 'auth_events', coalesce(s.minute, w.minute), coalesce(s.key, w.key), coalesce(s.n, 0), coalesce(w.n, 0), true
  from speed_logins s full join dw_logins w on w.minute = s.minute and w.key = s.key
  union all
  select 'active users', 'page_view_events', coalesce(s.minute, w.minute), coalesce(s.key, w.key), coalesce(s.n, 0), coalesce(w.n, 0), false
  from speed_users s full join dw_users w on w.minute = s.minute and w.key = s.key
),
minutes as (
  select c.measure, c.minute, bool_and(c.warehouse_value >= c.speed_value) as all_at_least,
         sum(c.warehouse_value - c.speed_value) as excess, coalesce(max(l.events), 0) as late_events, bool_and(c.additive) as additive
  from compared c left join late l on l.topic = c.topic and l.minute = c.minute
  group by c.measure, c.minute
),
explained as (
  select measure, minute from minutes
  where all_at_least and (case when additive then excess = late_events else excess <= late_events end)
)
select c.measure, c.minute, c.key, c.speed_value::bigint, c.warehouse_value::bigint, coalesce(l.events, 0)::bigint as late_events
from compared c
left join late l on l.topic = c.topic and l.minute = c.minute
where c.speed_value <> c.warehouse_value
  and not exists (select 1 from explained e where e.measure = c.measure and e.minute = c.minute)
order by c.measure, c.minute, c.key
