-- The distinct places of the staged events, with the numbers the staged events refer to them by (place_ref), and
-- their keys: location_key is dw.key64 of the natural key (030_dim_location.sql), the key dim_location has or is given.
insert into dw.stg_place (place_ref, city, state, zip, lat, lon, location_key)
select place_ref, city, state, zip, lat, lon,
       dw.key64(city || chr(31) || state || chr(31) || zip || chr(31) || lat::text || chr(31) || lon::text)
from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[]) as p (place_ref, city, state, zip, lat, lon)
