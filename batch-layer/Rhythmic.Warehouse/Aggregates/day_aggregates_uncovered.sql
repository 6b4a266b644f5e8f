-- The dates of the replaced hours that are not covered: a fact lies in one of their other hours ($1: those hours,
-- which the loader lists; it skips this when the replaced hours fill their dates). One index probe per hour.
with other_hours as (
  select h from unnest($1::timestamptz[]) as o(h)
),
uncovered as (
  select distinct (o.h at time zone 'UTC')::date as day from other_hours o
  where exists (select 1 from dw.fact_page_view f where f.ts >= o.h and f.ts < o.h + interval '1 hour')
     or exists (select 1 from dw.fact_listen f where f.ts >= o.h and f.ts < o.h + interval '1 hour')
     or exists (select 1 from dw.fact_auth f where f.ts >= o.h and f.ts < o.h + interval '1 hour')
     or exists (select 1 from dw.fact_level_change f where f.ts >= o.h and f.ts < o.h + interval '1 hour')
)
update dw.stg_day d set covered = false from uncovered u where u.day = d.day
