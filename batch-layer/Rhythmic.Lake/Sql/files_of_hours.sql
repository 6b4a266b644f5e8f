-- Committed files of the hours $1 (timestamptz[]), of the topic $2 or of every topic (null), oldest first within a
-- topic and hour.
select file_id, topic, kafka_partition, first_offset, last_offset, hour, path, row_count, bytes, source, committed_at
from lake.files
where hour = any($1) and ($2::text is null or topic = $2)
order by hour, topic, file_id
