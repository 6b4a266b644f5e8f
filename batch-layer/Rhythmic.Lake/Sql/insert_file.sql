-- One committed Parquet file. $1 topic, $2 partition, $3 first offset, $4 last offset, $5 hour, $6 path, $7 rows, $8 bytes, $9 source.
insert into lake.files (topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
