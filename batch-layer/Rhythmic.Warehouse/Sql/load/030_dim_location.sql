-- Model: dim_location. Grain: one row per (city, state, zip, lat, lon). Key: location_key = dw.key64(natural key),
-- which staging computed (stage/places.sql), so the facts take it by place_ref without reading the dimension back.
-- Adds the places of the staged hours that the dimension lacks (dw.stg_place holds each distinct place once per lane
-- of the dimension pass, hence distinct); a key collision fails on the primary key.
insert into dw.dim_location (location_key, city, state, state_name, zip, lat, lon)
select distinct p.location_key, p.city, p.state, s.state_name, p.zip, p.lat, p.lon
from dw.stg_place p left join dw.us_state s on s.state = p.state
where not exists (select 1 from dw.dim_location d
                  where d.city = p.city and d.state = p.state and d.zip = p.zip and d.lat = p.lat and d.lon = p.lon)
