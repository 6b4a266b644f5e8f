-- A session-level advisory lock around the preparation of Hangfire's schema, so that two processes starting at once
-- take turns (AdvisoryLocks.HangfireSchema).
select pg_advisory_lock($1);
