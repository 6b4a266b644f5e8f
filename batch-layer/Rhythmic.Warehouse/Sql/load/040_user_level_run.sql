-- Model: user_level_run. Grain: one row per hour, user and run of one level within that hour. Key: (hour, user_id, first_ts).
-- The runs of the staged events were built by the loader while staging (LevelRunBuilder: events of one user at one
-- instant are one observation, lowest level wins; a run starts where the level changes) into dw.stg_level_run.
-- Records the users the load touches (those of the replaced runs and of the staged events) in dw.stg_user first.
truncate dw.stg_user, dw.stg_user_version, dw.stg_user_remap, dw.stg_session;

insert into dw.stg_user (user_id)
select user_id from dw.user_level_run where hour in (select hour from dw.stg_hour)
union
select user_id from dw.stg_level_run;

delete from dw.user_level_run where hour in (select hour from dw.stg_hour);

insert into dw.user_level_run
select r.* from dw.stg_level_run r where r.hour in (select hour from dw.stg_hour)
