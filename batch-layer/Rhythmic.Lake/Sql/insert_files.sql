-- The committed Parquet files of one commit, all in one statement (arrays of equal length, one element per file):
-- $1 topics, $2 partitions, $3 first offsets, $4 last offsets, $5 hours, $6 paths, $7 rows, $8 bytes, $9 sources.
insert into lake.files (topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source)
select topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source
from unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[], $5::timestamptz[], $6::text[], $7::bigint[], $8::bigint[], $9::text[])
       with ordinality as f(topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source, n)
order by n
