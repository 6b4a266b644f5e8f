-- The @n US states with the most plays in a window, merged over the planned seam like top/songs.sql. Places are
-- ranked by state because the speed view keeps place at state grain (serving.listens_minute).
-- Grain: one row per state. Key: state.
with plays as (
  select g.state, a.plays
  from dw.agg_location_day a
  join dw.dim_location g on g.location_key = a.location_key
  where a.day = any (@days::date[])

  union all

  select g.state, count(*)
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) r(a, b)
  join dw.fact_listen f on f.ts >= r.a and f.ts < r.b
  join dw.dim_location g on g.location_key = f.location_key
  group by g.state

  union all

  select p.state, p.listens
  from unnest(@speed_from::timestamptz[], @speed_to::timestamptz[]) r(a, b)
  join serving.listens_minute p on p.minute >= r.a and p.minute < r.b
)

select p.state, coalesce(s.state_name, p.state) as state_name, sum(p.plays)::bigint as plays
from plays p
left join dw.us_state s on s.state = p.state
group by p.state, s.state_name
order by plays desc, p.state
limit @n
