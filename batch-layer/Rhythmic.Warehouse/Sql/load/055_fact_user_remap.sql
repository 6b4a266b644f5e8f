-- Moves facts outside the replaced hours from an old dim_user row to the row that now covers their instant
-- (rare: a late event that starts, ends or splits a run of a level). Facts of the replaced hours are deleted already.
-- Each statement is guarded by an uncorrelated exists (a one-time filter): with nothing to remap, no fact is read.
-- The earliest remapped instant bounds ts as a constant of the statement (an init plan), so the ts BRIN index of each
-- partition skips the page ranges before it.
update dw.fact_listen f set user_key = r.new_key
from dw.stg_user_remap r where f.user_key = r.old_key and f.ts >= r.from_ts and f.ts < r.to_ts
  and f.ts >= (select min(from_ts) from dw.stg_user_remap)
  and exists (select 1 from dw.stg_user_remap);

-- The sessions of moved page views (every event) are rebuilt with the others the load touches.
with moved as (
  update dw.fact_page_view f set user_key = r.new_key
  from dw.stg_user_remap r where f.user_key = r.old_key and f.ts >= r.from_ts and f.ts < r.to_ts
  and f.ts >= (select min(from_ts) from dw.stg_user_remap)
  and exists (select 1 from dw.stg_user_remap)
  returning f.session_id
)
insert into dw.stg_session (session_id) select distinct session_id from moved on conflict do nothing;

update dw.fact_auth f set user_key = r.new_key
from dw.stg_user_remap r where f.user_key = r.old_key and f.ts >= r.from_ts and f.ts < r.to_ts
  and f.ts >= (select min(from_ts) from dw.stg_user_remap)
  and exists (select 1 from dw.stg_user_remap);

update dw.fact_level_change f set user_key = r.new_key
from dw.stg_user_remap r where f.user_key = r.old_key and f.ts >= r.from_ts and f.ts < r.to_ts
  and f.ts >= (select min(from_ts) from dw.stg_user_remap)
  and exists (select 1 from dw.stg_user_remap);
