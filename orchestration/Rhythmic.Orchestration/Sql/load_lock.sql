-- A session-level advisory lock: the loads take one so that they never overlap on any server; Hangfire's schema
-- preparation another, so that two processes starting at once take turns.
select pg_advisory_lock($1);
