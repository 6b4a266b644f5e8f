-- The offsets the platform's consumer groups stored with their data: the speed layer's in serving.speed_offsets,
-- the lander's in lake.offsets. $1 the speed layer's consumer group, $2 the lander's.
-- Grain: one row per (consumer group, topic, partition).
select consumer_group, topic, partition, next_offset
from serving.speed_offsets
where consumer_group = $1

union all

select consumer_group, topic, kafka_partition, next_offset
from lake.offsets
where consumer_group = $2
