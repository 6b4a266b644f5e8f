-- The warehouse's load lock for this session (WarehouseLock): held across a whole load or maintenance run, including
-- maintenance's VACUUMs, which cannot run in a transaction. Loads and maintenance wait for each other.
select pg_advisory_lock($1)
