-- The warehouse tables and partitions written since their last vacuum or analyze, largest first (staging aside: each
-- load empties and analyzes it).
select format('%I.%I', s.schemaname, s.relname)
from pg_stat_user_tables s
join pg_class c on c.oid = s.relid
where s.schemaname = 'dw' and c.relkind = 'r' and s.relname not like 'stg\_%'
  and (s.n_dead_tup > 0 or s.n_ins_since_vacuum > 0 or s.n_mod_since_analyze > 0)
order by pg_relation_size(s.relid) desc, s.relname
