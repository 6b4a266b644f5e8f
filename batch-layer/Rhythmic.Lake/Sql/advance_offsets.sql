-- Moves partitions' next offsets forward, fenced: a partition's stored offset moves only if it is still the one this
-- lander read (its expected offset; -1 when it found none), so a lander that lost a partition cannot commit over the
-- new owner. Returns the partitions that moved: the caller checks that every one did.
-- $1 group; arrays of equal length, one partition each: $2 topics, $3 partitions, $4 new next offsets, $5 expected current.
with u as (
  select * from unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) as u(topic, kafka_partition, next_offset, expected)
)
insert into lake.offsets as o (consumer_group, topic, kafka_partition, next_offset)
select $1, topic, kafka_partition, next_offset from u
on conflict (consumer_group, topic, kafka_partition) do update
  set next_offset = excluded.next_offset, updated_at = now()
  where o.next_offset = (select u.expected from u where u.topic = excluded.topic and u.kafka_partition = excluded.kafka_partition)
returning o.topic, o.kafka_partition
