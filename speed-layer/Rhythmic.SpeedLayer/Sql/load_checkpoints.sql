-- The stored checkpoints of some partitions of one consumer group.
-- $1 consumer_group, $2 topics[], $3 partitions[]
select o.topic, o.partition, o.next_offset, o.max_event_ts
from serving.speed_offsets o
join unnest($2::text[], $3::int[]) as p(topic, partition) using (topic, partition)
where o.consumer_group = $1
