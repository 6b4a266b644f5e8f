-- A load rebuilds a touched user's dim_user rows only from the row valid just before its first replaced hour on
-- (stg_user.since; null: all of them): the rows before it keep their periods, so a load reads the runs of that window
-- instead of the user's whole history (Sql/load/040_user_level_run.sql, stage/user_runs.sql, load/050_dim_user.sql).
alter table dw.stg_user add column since timestamptz;
