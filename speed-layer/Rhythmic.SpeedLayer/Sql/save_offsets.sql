-- Last step of a flush: the next offset and newest event time of each partition the flush covers.
-- $1 consumer_group, $2 topics[], $3 partitions[], $4 next_offsets[], $5 max_event_ts[]
update serving.speed_offsets o
set next_offset = p.next_offset, max_event_ts = p.max_event_ts, updated_at = now()
from unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) as p(topic, partition, next_offset, max_event_ts)
where o.consumer_group = $1 and o.topic = p.topic and o.partition = p.partition
