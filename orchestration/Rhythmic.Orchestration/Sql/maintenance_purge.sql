-- Removes serving minutes and dead letters older than $1 (tables that do not exist are skipped).
select table_name, deleted from ops.purge_expired($1);
