-- Distinct logged-in users of a window by gender and level (@by_gender, @by_level say which to group by), exact
-- across the seam: batch users from the level runs of the loaded hours (@batch_from/@batch_to ranges, whole days
-- included), speed users from the actors of every other hour (@speed_from/@speed_to); their ids are united before
-- counting. A user who had both levels counts in both level groups and once in the total (grouping set ()).
-- Grain: one row per group, and one total row (is_total). Key: (gender, level).
with users as (
  select r.user_id, r.gender, r.level
  from unnest(@batch_from::timestamptz[], @batch_to::timestamptz[]) w(a, b)
  join dw.user_level_run r on r.hour >= w.a and r.hour < w.b

  union all

  select s.actor_id, nullif(s.gender, ''), s.level
  from unnest(@speed_from::timestamptz[], @speed_to::timestamptz[]) w(a, b)
  join serving.active_users_seen s on s.minute >= w.a and s.minute < w.b
  where not s.is_guest
)

select case when @by_gender then gender end as gender,
       case when @by_level then level end as level,
       count(distinct user_id)::bigint as users,
       grouping(case when @by_gender then gender end, case when @by_level then level end) = 3 as is_total
from users
group by grouping sets ((case when @by_gender then gender end, case when @by_level then level end), ())
order by is_total, gender nulls last, level nulls last
