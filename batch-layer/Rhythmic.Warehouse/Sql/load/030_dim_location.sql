-- Model: dim_location. Grain: one row per (city, state, zip, lat, lon). Key: location_key = dw.key64(natural key).
-- Adds the places of the staged hours (dw.stg_place: each distinct place once) that the dimension lacks, then gives
-- each staged place its key, which the facts take by place_ref.
with places as (
  select distinct city, state, zip, lat, lon from dw.stg_place
),
new_places as (
  select p.* from places p
  where not exists (select 1 from dw.dim_location d
                    where d.city = p.city and d.state = p.state and d.zip = p.zip and d.lat = p.lat and d.lon = p.lon)
),
keyed as (
  select dw.key64(city || chr(31) || state || chr(31) || zip || chr(31) || lat::text || chr(31) || lon::text) as location_key,
         city, state, zip, lat, lon
  from new_places
)
insert into dw.dim_location (location_key, city, state, state_name, zip, lat, lon)
select k.location_key, k.city, k.state, s.state_name, k.zip, k.lat, k.lon
from keyed k left join dw.us_state s on s.state = k.state;

update dw.stg_place p set location_key = d.location_key
from dw.dim_location d
where d.city = p.city and d.state = p.state and d.zip = p.zip and d.lat = p.lat and d.lon = p.lon;
