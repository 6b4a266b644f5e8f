-- The stored next offsets of a consumer group. $1 group.
select topic, kafka_partition, next_offset from lake.offsets where consumer_group = $1
