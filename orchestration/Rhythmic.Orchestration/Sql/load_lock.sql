-- Full and incremental loads take this session-level advisory lock, so they never overlap on any node.
select pg_advisory_lock($1);
