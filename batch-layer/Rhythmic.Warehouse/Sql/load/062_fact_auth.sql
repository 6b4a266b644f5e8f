-- Model: fact_auth. Grain: one row per auth_events event (a login attempt) of the replaced hours.
with events as (
  select e.* from dw.stg_event e join dw.stg_hour h on h.hour = e.hour
  where e.topic = 'auth_events'
)
insert into dw.fact_auth (date_key, time_key, user_key, location_key, session_id, item_in_session, level, is_success,
                          user_agent, ts)
select e.date_key, e.time_key, coalesce(u.user_key, 0), l.location_key,
       e.session_id, e.item_in_session, e.level, coalesce(e.success, false), e.user_agent, e.ts
from events e
join dw.stg_place l on l.place_ref = e.place_ref
left join dw.dim_user u on u.user_id = e.user_id and e.ts >= u.valid_from and e.ts < u.valid_to
