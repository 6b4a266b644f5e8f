-- First step of a flush: make sure each partition has an offsets row to lock (the placeholder -2 means "nothing
-- stored"; the flush that inserts it replaces it before committing).
-- $1 consumer_group, $2 topics[], $3 partitions[] (sorted by topic, partition)
insert into serving.speed_offsets (consumer_group, topic, partition, next_offset, max_event_ts)
select $1, p.topic, p.partition, -2, -9223372036854775808
from unnest($2::text[], $3::int[]) as p(topic, partition)
on conflict (consumer_group, topic, partition) do nothing
