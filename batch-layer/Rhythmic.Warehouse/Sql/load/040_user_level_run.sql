-- Model: user_level_run. Grain: one row per hour, user and run of one level within that hour. Key: (hour, user_id, first_ts).
-- Records the users the load touches (those of the replaced runs and of the staged events) in dw.stg_user first.
truncate dw.stg_user, dw.stg_user_version, dw.stg_user_remap, dw.stg_session;

insert into dw.stg_user (user_id)
select user_id from dw.user_level_run where hour in (select hour from dw.stg_hour)
union
select user_id from dw.stg_event where user_id is not null;

delete from dw.user_level_run where hour in (select hour from dw.stg_hour);

with staged as (
  select e.user_id, e.ts, e.level, e.first_name, e.last_name, e.gender, e.registration, h.hour
  from dw.stg_event e
  join dw.stg_hour h on h.hour = e.hour
  where e.user_id is not null
),
-- Events of one user at one instant count as one observation (lowest level wins: a fixed, order-free rule).
observations as (
  select hour, user_id, ts, min(level) as level, max(first_name) as first_name, max(last_name) as last_name,
         max(gender) as gender, max(registration) as registration
  from staged
  group by hour, user_id, ts
),
marked as (
  select *, case when level is distinct from lag(level) over w then 1 else 0 end as is_new_run
  from observations
  window w as (partition by hour, user_id order by ts)
),
numbered as (
  select *, sum(is_new_run) over (partition by hour, user_id order by ts) as run_no
  from marked
),
runs as (
  select hour, user_id, min(ts) as first_ts, max(ts) as last_ts, level, max(first_name) as first_name,
         max(last_name) as last_name, max(gender) as gender, max(registration) as registration
  from numbered
  group by hour, user_id, run_no, level
)
insert into dw.user_level_run (hour, user_id, first_ts, last_ts, level, first_name, last_name, gender, registration)
select hour, user_id, first_ts, last_ts, level, first_name, last_name, gender, registration from runs
