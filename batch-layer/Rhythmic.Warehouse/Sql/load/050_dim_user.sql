-- Model: dim_user. Grain: one row per user and maximal run of one level at event time (SCD type 2).
-- Key: user_key = dw.key64(user_id @ epoch ms of valid_from). Rebuilt, for the users the load touches, from all their
-- runs (dw.user_level_run): adjacent runs of the same level (across hours) merge, each row is valid from its first
-- event to the next row's first event, so every event of the user falls in exactly one row; name, gender and
-- registration are those of the user's latest run. The loader builds these rows from the runs
-- (UserVersionBuilder.cs) into dw.stg_user_version_new from the runs since each user's rebuild starts (stg_user.since,
-- 040); this replaces the users' rows from there on with them and keys them. A row the rebuild gives again unchanged
-- (a user whose level held through the appended hours: most of them) stays as it is instead of being deleted and
-- inserted again. The rows before keep their periods and keys and take the latest run's names.
-- The old rows are kept aside (stg_user_version) only if a fact is left at or after the first replaced hour, the only
-- facts a changed row can move (see the remap below).
insert into dw.stg_user_version (user_key, user_id, valid_from, valid_to)
select d.user_key, d.user_id, d.valid_from, d.valid_to
from dw.dim_user d join dw.stg_user s on s.user_id = d.user_id
where (s.since is null or d.valid_from >= s.since)
  and (exists (select 1 from dw.fact_page_view f where f.ts >= (select min(hour) from dw.stg_hour))
    or exists (select 1 from dw.fact_listen f where f.ts >= (select min(hour) from dw.stg_hour))
    or exists (select 1 from dw.fact_auth f where f.ts >= (select min(hour) from dw.stg_hour))
    or exists (select 1 from dw.fact_level_change f where f.ts >= (select min(hour) from dw.stg_hour)));

delete from dw.dim_user d using dw.stg_user s
where d.user_id = s.user_id and (s.since is null or d.valid_from >= s.since)
  and not exists (select 1 from dw.stg_user_version_new v
                  where v.user_id = d.user_id and v.valid_from = d.valid_from
                    and (v.valid_to, v.level, v.first_name, v.last_name, v.gender, v.registration)
                        is not distinct from (d.valid_to, d.level, d.first_name, d.last_name, d.gender, d.registration));

update dw.dim_user d
set first_name = v.first_name, last_name = v.last_name, gender = v.gender, registration = v.registration
from dw.stg_user s
join dw.stg_user_version_new v on v.user_id = s.user_id and v.valid_from = s.since
where d.user_id = s.user_id and d.valid_from < s.since
  and (d.first_name, d.last_name, d.gender, d.registration) is distinct from (v.first_name, v.last_name, v.gender, v.registration);

-- Every row of a rebuilt period that is still there is one the rebuild gives unchanged.
insert into dw.dim_user (user_key, user_id, first_name, last_name, gender, level, registration, valid_from, valid_to, is_current)
select dw.key64(v.user_id::text || '@' || (extract(epoch from v.valid_from) * 1000)::bigint::text),
       v.user_id, v.first_name, v.last_name, v.gender, v.level, v.registration, v.valid_from, v.valid_to,
       v.valid_to = 'infinity'
from dw.stg_user_version_new v
where not exists (select 1 from dw.dim_user d where d.user_id = v.user_id and d.valid_from = v.valid_from);

-- Where an old row's period now belongs to another row, facts outside the replaced hours must follow: the periods
-- between all old and new boundaries of each user, with the old and the new key that covers each. Rows are rebuilt
-- from runs that are unchanged before the first replaced hour, so old and new keys differ only from that hour on: with
-- no fact left at or after it (045 deleted the replaced hours' facts; a load that appends hours leaves none), nothing
-- can move, the old rows were not kept aside, and the one-time filter at the end skips the whole computation.
with users as (
  select user_id from dw.stg_user
),
bounds as (
  select user_id, valid_from as b from dw.stg_user_version
  union select user_id, valid_to from dw.stg_user_version
  union select d.user_id, d.valid_from from dw.dim_user d join users u on u.user_id = d.user_id
  union select d.user_id, d.valid_to from dw.dim_user d join users u on u.user_id = d.user_id
),
periods as (
  select user_id, b as from_ts, lead(b) over (partition by user_id order by b) as to_ts from bounds
),
mapped as (
  select p.from_ts, p.to_ts, o.user_key as old_key, n.user_key as new_key
  from periods p
  join dw.stg_user_version o on o.user_id = p.user_id and p.from_ts >= o.valid_from and p.from_ts < o.valid_to
  join dw.dim_user n on n.user_id = p.user_id and p.from_ts >= n.valid_from and p.from_ts < n.valid_to
  where p.to_ts is not null
)
insert into dw.stg_user_remap (old_key, new_key, from_ts, to_ts)
select old_key, new_key, from_ts, to_ts from mapped where old_key <> new_key
  and exists (select 1 from dw.stg_user_version)
