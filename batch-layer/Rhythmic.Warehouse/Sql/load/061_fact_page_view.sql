-- Model: fact_page_view. Grain: one row per page_view_events event (every event) of the replaced hours.
with events as (
  select e.* from dw.stg_event e join dw.stg_hour h on h.hour = e.hour
  where e.topic = 'page_view_events'
)
insert into dw.fact_page_view (date_key, time_key, user_key, song_key, location_key, session_id, item_in_session, level,
                               page, auth, method, status, user_agent, ts)
select e.date_key, e.time_key, coalesce(u.user_key, 0), coalesce(s.song_key, 0), l.location_key,
       e.session_id, e.item_in_session, e.level, e.page, e.auth, e.method, e.status, e.user_agent, e.ts
from events e
left join dw.stg_song s on s.song_ref = e.song_ref
join dw.stg_place l on l.place_ref = e.place_ref
left join dw.dim_user u on u.user_id = e.user_id and e.ts >= u.valid_from and e.ts < u.valid_to
