-- The maintenance job now vacuums and analyzes the warehouse itself, holding the loads' lock
-- (batch-layer/Rhythmic.Warehouse/WarehouseMaintenance.cs): VACUUM cannot run inside a function.
drop function ops.analyze_modified(text);
