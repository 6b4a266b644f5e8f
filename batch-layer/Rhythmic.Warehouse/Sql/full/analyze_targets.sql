-- Full load: the tables to analyze once it has committed, largest first (two connections share them out). A table
-- emptied and filled by COPY in one transaction has no statistics until autovacuum gets to it, so the dashboard's first
-- questions after a full load would be planned blind. (A VACUUM as well, for hint bits and visibility maps, rewrote every
-- page of the facts: 4.4 s against 0.5 s on a month. Autovacuum does that in its own time.)
select format('%I.%I', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'dw' and c.relkind = 'r' and c.relpersistence = 'p' and c.relname not like 'stg\_%'
order by pg_relation_size(c.oid) desc, c.relname
