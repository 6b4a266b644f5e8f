-- Model: fact_level_change. Grain: one row per status_change_events event of the replaced hours.
-- The event's level is the level before the change; the other level is the one after it.
with events as (
  select e.* from dw.stg_event e join dw.stg_hour h on h.hour = e.hour
  where e.topic = 'status_change_events'
)
insert into dw.fact_level_change (date_key, time_key, user_key, location_key, session_id, item_in_session, from_level,
                                  to_level, ts)
select e.date_key, e.time_key, coalesce(u.user_key, 0), l.location_key,
       e.session_id, e.item_in_session, e.level, case e.level when 'free' then 'paid' else 'free' end, e.ts
from events e
join dw.stg_place l on l.place_ref = e.place_ref
left join dw.dim_user u on u.user_id = e.user_id and e.ts >= u.valid_from and e.ts < u.valid_to
