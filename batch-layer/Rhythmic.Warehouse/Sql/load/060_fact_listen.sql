-- Model: fact_listen. Grain: one row per listen_events event of the replaced hours.
with events as (
  select e.* from dw.stg_event e join dw.stg_hour h on h.hour = e.hour
  where e.topic = 'listen_events'
)
insert into dw.fact_listen (date_key, time_key, user_key, song_key, location_key, session_id, item_in_session, level,
                            duration, user_agent, ts)
select e.date_key, e.time_key, coalesce(u.user_key, 0), s.song_key, l.location_key,
       e.session_id, e.item_in_session, e.level, e.duration, e.user_agent, e.ts
from events e
join dw.stg_song s on s.song_ref = e.song_ref
join dw.stg_place l on l.place_ref = e.place_ref
left join dw.dim_user u on u.user_id = e.user_id and e.ts >= u.valid_from and e.ts < u.valid_to
