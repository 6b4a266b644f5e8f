-- The runs of one level per hour and user of the staged events, built by the loader while it stages them
-- (batch-layer/Rhythmic.Warehouse/LevelRunBuilder.cs) and moved into dw.user_level_run by one insert ... select *,
-- so the load no longer sorts and windows every staged row to find them. Same columns, in the same order, as
-- dw.user_level_run; unlogged and emptied by every load, like the other staging tables.
create unlogged table dw.stg_level_run (like dw.user_level_run including defaults);
