-- The headline figures of the speed view over two windows: [@previous_from, @from) and [@from, @to).
-- Grain: one row per window (period 'previous' or 'current').
with windows(period, a, b) as (
  values ('previous', @previous_from::timestamptz, @from::timestamptz), ('current', @from::timestamptz, @to::timestamptz)
)

select w.period,
       (select coalesce(sum(listens), 0) from serving.listens_minute where minute >= w.a and minute < w.b)::bigint as plays,
       (select count(distinct actor_id) from serving.active_users_seen where minute >= w.a and minute < w.b and not is_guest)::bigint as active_users,
       (select coalesce(sum(views), 0) from serving.page_views_minute where minute >= w.a and minute < w.b)::bigint as page_views,
       (select coalesce(sum(attempts), 0) from serving.auth_minute where minute >= w.a and minute < w.b and success)::bigint as logins,
       (select coalesce(sum(attempts), 0) from serving.auth_minute where minute >= w.a and minute < w.b and not success)::bigint as failed_logins,
       (select coalesce(sum(sessions), 0) from serving.sessions_started_minute where minute >= w.a and minute < w.b)::bigint as sessions,
       (select coalesce(sum(changes), 0) from serving.level_changes_minute where minute >= w.a and minute < w.b)::bigint as level_changes
from windows w
