-- Moves a partition's next offset forward, fenced: the update applies only if the stored offset is still the one this
-- lander read ($5; -1 when it found none), so a lander that lost the partition cannot commit over the new owner.
-- $1 group, $2 topic, $3 partition, $4 new next offset, $5 expected current.
insert into lake.offsets as o (consumer_group, topic, kafka_partition, next_offset)
values ($1, $2, $3, $4)
on conflict (consumer_group, topic, kafka_partition) do update
  set next_offset = excluded.next_offset, updated_at = now()
  where o.next_offset = $5
