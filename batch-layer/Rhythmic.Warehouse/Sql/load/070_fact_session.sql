-- Model: fact_session. Grain: one row per session. Key: session_id.
-- Rebuilt from fact_page_view (which holds every event) for each session the load touches: those with events in the
-- replaced hours, those whose old row overlaps them, and those whose page views changed user row. The rebuild reads
-- the union of the old rows' periods and the replaced hours, so a row always covers all loaded events of its session.
-- user_key is that of the session's first logged-in event (0 if none); level and location those of its first event.
insert into dw.stg_session (session_id)
select distinct e.session_id from dw.stg_event e join dw.stg_hour h on h.hour = e.hour
union
select s.session_id from dw.fact_session s join dw.stg_hour h
  on s.start_ts < h.hour + interval '1 hour' and s.end_ts >= h.hour
on conflict do nothing;

truncate dw.stg_window;

insert into dw.stg_window (lo, hi)
select least((select min(hour) from dw.stg_hour), min(f.start_ts)),
       greatest((select max(hour) + interval '1 hour' from dw.stg_hour), max(f.end_ts) + interval '1 millisecond')
from dw.fact_session f join dw.stg_session s on s.session_id = f.session_id;

delete from dw.fact_session f using dw.stg_session s where f.session_id = s.session_id;

with events as (
  select p.* from dw.fact_page_view p
  join dw.stg_session s on s.session_id = p.session_id
  cross join dw.stg_window w
  where p.ts >= w.lo and p.ts < w.hi
),
firsts as (
  select distinct on (session_id) session_id, date_key, time_key, level, location_key, ts
  from events order by session_id, ts, item_in_session
),
first_users as (
  select distinct on (session_id) session_id, user_key
  from events where user_key <> 0 order by session_id, ts, item_in_session
),
totals as (
  select session_id, min(ts) as start_ts, max(ts) as end_ts, count(*) as events,
         count(*) filter (where page = 'NextSong') as listens
  from events group by session_id
)
insert into dw.fact_session (session_id, date_key, time_key, user_key, location_key, level, start_ts, end_ts, events, listens)
select t.session_id, f.date_key, f.time_key, coalesce(u.user_key, 0), f.location_key, f.level, t.start_ts, t.end_ts,
       t.events, t.listens
from totals t join firsts f on f.session_id = t.session_id left join first_users u on u.session_id = t.session_id
