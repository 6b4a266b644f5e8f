-- Committed files of a topic whose events fall in one hour, oldest first. $1 topic, $2 hour.
select file_id, topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source, committed_at
from lake.files
where topic = $1 and hour = $2
order by file_id
