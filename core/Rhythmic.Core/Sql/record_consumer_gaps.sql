-- Records gaps of one consumer group (migration 0002), once per (group, topic, partition, first missing offset) of the
-- current cluster; run in the transaction that advances the group's offsets past them.
-- $1 consumer_group, $2 topics[], $3 partitions[], $4 first_missing_offsets[], $5 last_missing_offsets[], $6 hows[]
insert into ops.consumer_gaps (consumer_group, topic, partition, first_missing_offset, last_missing_offset, how)
select $1, * from unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::text[])
on conflict (consumer_group, topic, partition, first_missing_offset) where offsets_forgotten_at is null do nothing
