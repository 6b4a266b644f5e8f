-- Maintenance takes the loads' advisory lock (stage/lock.sql) for its session, across its VACUUMs, which cannot run in
-- a transaction: a load waits for it, and it waits for a running load.
select pg_advisory_lock($1)
