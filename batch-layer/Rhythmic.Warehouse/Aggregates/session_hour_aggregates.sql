-- Model: agg_session_hour. Grain: one row per UTC hour in which a session started. Key: hour.
-- Every session fact_session.sql added, rebuilt or removed started, before and after, between the first replaced hour or the
-- earliest start of the old rows it replaced (dw.stg_window.lo) and the end of the last replaced hour or the latest
-- end of those rows (hi): the hours of that window are counted again from fact_session (its start_ts index). The
-- loader runs this once the table holds rows; into an empty one it copies the fact pass's sessions, which are then all
-- of fact_session.
with window_ends as (
  select least(min(h.hour), (select min(w.lo) from dw.stg_window w)) as lo,
         greatest(max(h.hour) + interval '1 hour', (select max(w.hi) from dw.stg_window w)) as hi
  from dw.stg_hour h
),
bounds as (   -- the window widened to whole hours
  select date_trunc('hour', lo, 'UTC') as lo, date_trunc('hour', hi - interval '1 microsecond', 'UTC') + interval '1 hour' as hi
  from window_ends
)
delete from dw.agg_session_hour a using bounds b where a.hour >= b.lo and a.hour < b.hi;

with window_ends as (
  select least(min(h.hour), (select min(w.lo) from dw.stg_window w)) as lo,
         greatest(max(h.hour) + interval '1 hour', (select max(w.hi) from dw.stg_window w)) as hi
  from dw.stg_hour h
),
bounds as (   -- the window widened to whole hours
  select date_trunc('hour', lo, 'UTC') as lo, date_trunc('hour', hi - interval '1 microsecond', 'UTC') + interval '1 hour' as hi
  from window_ends
)
insert into dw.agg_session_hour (hour, sessions, listens)
select date_trunc('hour', f.start_ts, 'UTC'), count(*), sum(f.listens)
from dw.fact_session f, bounds b
where f.start_ts >= b.lo and f.start_ts < b.hi
group by 1
