-- Summarizes the page ranges the load's COPY filled in the ts BRIN index of the event-fact partitions of the replaced
-- hours' months (named <table>_YYYYMM by dw.ensure_fact_partitions). A COPY leaves new ranges unsummarized, and an
-- unsummarized range matches every condition: without this, the next load's delete of an hour (045) and every scan of
-- a period would read the whole partition. Only unsummarized ranges are read (the pages this load wrote), so an
-- incremental load pays for its own rows; other months' partitions are left alone (nor locked, where autovacuum may
-- be at work).
select sum(brin_summarize_new_values(i.indexrelid))
from pg_inherits p
join pg_class t on t.oid = p.inhrelid
join pg_index i on i.indrelid = p.inhrelid
join pg_class c on c.oid = i.indexrelid
join pg_am a on a.oid = c.relam and a.amname = 'brin'
where p.inhparent in ('dw.fact_listen'::regclass, 'dw.fact_page_view'::regclass, 'dw.fact_auth'::regclass, 'dw.fact_level_change'::regclass)
  and right(t.relname, 6) in (select distinct to_char(hour at time zone 'UTC', 'YYYYMM') from dw.stg_hour)
