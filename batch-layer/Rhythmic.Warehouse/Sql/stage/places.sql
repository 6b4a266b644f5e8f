-- The distinct places of the staged events, with the numbers the staged events refer to them by (place_ref).
insert into dw.stg_place (place_ref, city, state, zip, lat, lon)
select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])
