-- Full load: the indexes (primary keys and unique constraints included) of the tables a full load writes whole ($1),
-- each with the statement that drops it and the one that builds it again. The loader drops them after emptying the
-- tables and builds them once the rows are in, in the same transaction: one sorted build of an index costs less than
-- inserting every row into it. No step between the two relies on them (no ON CONFLICT on these tables; a read scans).
-- The event facts' ts BRIN indexes are among them: kept, every row the COPY wrote updated its range (a third of the
-- server's COPY time), and the load then summarized the ranges in a pass of its own; built at the end, one pass does
-- both. Their indexes belong to the partitioned table: dropping it drops the partitions' too, and its definition, which
-- reads "ON ONLY" (the parent alone), builds them all again without the ONLY.
select case when c.conname is null then format('drop index %s', i.indexrelid::regclass)
            else format('alter table %s drop constraint %I', i.indrelid::regclass, c.conname) end as drop_sql,
       case when c.conname is null then replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
            else format('alter table %s add constraint %I %s', i.indrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) end as build_sql
from pg_index i
left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u')
where i.indrelid = any($1::text[]::regclass[])
order by i.indrelid::regclass::text, i.indexrelid::regclass::text
