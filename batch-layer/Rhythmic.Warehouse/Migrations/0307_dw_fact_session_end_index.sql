-- A load finds the old sessions overlapping the hours it replaces by end_ts >= the first of them: for the newest hours
-- (every incremental load) that is a few index entries, where start_ts < the last hour was every session before it.
create index on dw.fact_session (end_ts);
