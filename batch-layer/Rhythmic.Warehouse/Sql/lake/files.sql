-- The files of the hours $1 (timestamptz[]), in a stable order.
select hour, topic, path, row_count from lake.files where hour = any($1) order by hour, topic, path
