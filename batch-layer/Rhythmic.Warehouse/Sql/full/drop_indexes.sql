-- Full load: the indexes (primary keys and unique constraints included) of the tables a full load writes whole ($1),
-- each with the statement that drops it and the one that builds it again. The loader drops them after emptying the
-- tables and builds them once the rows are in, in the same transaction: one sorted build of an index costs less than
-- inserting every row into it. No step between the two relies on them (no ON CONFLICT on these tables; a read scans).
select case when c.conname is null then format('drop index %s', i.indexrelid::regclass)
            else format('alter table %s drop constraint %I', i.indrelid::regclass, c.conname) end as drop_sql,
       case when c.conname is null then pg_get_indexdef(i.indexrelid)
            else format('alter table %s add constraint %I %s', i.indrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) end as build_sql
from pg_index i
left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u')
where i.indrelid = any($1::text[]::regclass[])
order by i.indrelid::regclass::text, i.indexrelid::regclass::text
