-- Model: fact_session. Grain: one row per session. Key: session_id.
-- The fact pass counted each session's part in the replaced hours (dw.stg_session_part). A session with no row yet is
-- inserted from its part as it is; so is one whose old row lies wholly in the replaced hours (every hour from its start
-- to its end is replaced: all its old events are gone), which is deleted first (a reloaded day's own sessions). A
-- session whose old row lies wholly before or after its part, and neither overlaps the replaced hours nor lost page
-- views to another user row (055), is the two merged: totals added, start and end widened, the first event's
-- attributes from the earlier of the two, the first logged-in user from the earlier one that has one (the session that
-- crosses midnight into an appended day). Every other session the load touches is rebuilt from fact_page_view (which
-- holds every event): those whose part and old row interleave, those whose old row overlaps the replaced hours in
-- part, and those whose page views changed user row (055). The rebuild reads the union of the old rows' periods and
-- the replaced hours, so a row always covers all loaded events of its session. user_key is that of the session's first
-- logged-in event (0 if none); level and location those of its first event, in (ts, item_in_session) order. Old rows
-- overlapping the hours end at or after the first of them: the end_ts index finds those instead of every session that
-- started before. (session_hour_aggregates recounts the start hours of the replaced hours and of every window below.)
-- (Its bounds are on start_ts alone, a range the planner takes for narrow: the hour count bounds the end. A bound on
-- end_ts drew a scan of every end_ts index entry before the last replaced hour, 0.35 s on a month.)
delete from dw.fact_session s
where s.start_ts >= (select min(hour) from dw.stg_hour) and s.start_ts < (select max(hour) + interval '1 hour' from dw.stg_hour)
  and (select count(*) from dw.stg_hour h
       where h.hour >= date_trunc('hour', s.start_ts, 'UTC') and h.hour <= date_trunc('hour', s.end_ts, 'UTC'))
      = extract(epoch from date_trunc('hour', s.end_ts, 'UTC') - date_trunc('hour', s.start_ts, 'UTC'))::bigint / 3600 + 1
  and not exists (select 1 from dw.stg_session x where x.session_id = s.session_id);

insert into dw.stg_session (session_id)
select p.session_id from dw.stg_session_part p join dw.fact_session f on f.session_id = p.session_id
where f.end_ts >= p.start_ts and f.start_ts <= p.end_ts
on conflict do nothing;

insert into dw.stg_session (session_id)
select s.session_id from dw.fact_session s
where s.end_ts >= (select min(hour) from dw.stg_hour)
  and exists (select 1 from dw.stg_hour h where s.start_ts < h.hour + interval '1 hour' and s.end_ts >= h.hour)
on conflict do nothing;

truncate dw.stg_window;

insert into dw.stg_window (lo, hi)
select least((select min(hour) from dw.stg_hour), min(f.start_ts)),
       greatest((select max(hour) + interval '1 hour' from dw.stg_hour), max(f.end_ts) + interval '1 millisecond')
from dw.fact_session f join dw.stg_session s on s.session_id = f.session_id;

delete from dw.fact_session f using dw.stg_session s where f.session_id = s.session_id;

-- One sort of the sessions' events by (session_id, ts, item_in_session) serves everything: the first event is the one
-- numbered 1, the first logged-in event the logged-in one with one logged-in event up to it, and the totals group the
-- rows already in session order.
-- The window's bounds are init plans (constants to the scan), so the ts BRIN index reads only the window's page ranges;
-- a join on stg_window made them per-row values and the whole partition was read.
with events as (
  select p.* from dw.fact_page_view p
  join dw.stg_session s on s.session_id = p.session_id
  where p.ts >= (select lo from dw.stg_window) and p.ts < (select hi from dw.stg_window)
    and exists (select 1 from dw.stg_session)
),
numbered as (
  select session_id, date_key, time_key, level, location_key, user_key, ts, page,
         row_number() over w as n,
         count(*) filter (where user_key <> 0) over w as logged_in_so_far
  from events
  window w as (partition by session_id order by ts, item_in_session rows unbounded preceding)
),
sessions as (
  select session_id,
         max(date_key) filter (where n = 1) as date_key,
         max(time_key) filter (where n = 1) as time_key,
         coalesce(max(user_key) filter (where user_key <> 0 and logged_in_so_far = 1), 0) as user_key,
         max(location_key) filter (where n = 1) as location_key,
         max(level) filter (where n = 1) as level,
         min(ts) as start_ts, max(ts) as end_ts, count(*) as events,
         count(*) filter (where page = 'NextSong') as listens
  from numbered
  group by session_id
)
insert into dw.fact_session (session_id, date_key, time_key, user_key, location_key, level, start_ts, end_ts, events, listens)
select session_id, date_key, time_key, user_key, location_key, level, start_ts, end_ts, events, listens from sessions;

-- The merges. Each adds the window of the rows it widened (session_hour_aggregates counts the sessions' start hours in every window).
with merged as (
  update dw.fact_session f
  set date_key = case when f.start_ts < p.start_ts then f.date_key else p.date_key end,
      time_key = case when f.start_ts < p.start_ts then f.time_key else p.time_key end,
      location_key = case when f.start_ts < p.start_ts then f.location_key else p.location_key end,
      level = case when f.start_ts < p.start_ts then f.level else p.level end,
      user_key = case when f.start_ts < p.start_ts
                      then case when f.user_key <> 0 then f.user_key else p.user_key end
                      else case when p.user_key <> 0 then p.user_key else f.user_key end end,
      start_ts = least(f.start_ts, p.start_ts),
      end_ts = greatest(f.end_ts, p.end_ts),
      events = f.events + p.events,
      listens = f.listens + p.listens
  from dw.stg_session_part p
  where f.session_id = p.session_id
    and not exists (select 1 from dw.stg_session s where s.session_id = p.session_id)
  returning f.start_ts, f.end_ts
)
insert into dw.stg_window (lo, hi)
select min(start_ts), max(end_ts) + interval '1 millisecond' from merged having count(*) > 0;

-- The sessions that had no row.
insert into dw.fact_session (session_id, date_key, time_key, user_key, location_key, level, start_ts, end_ts, events, listens)
select p.session_id, p.date_key, p.time_key, p.user_key, p.location_key, p.level, p.start_ts, p.end_ts, p.events, p.listens
from dw.stg_session_part p
where not exists (select 1 from dw.fact_session f where f.session_id = p.session_id)
