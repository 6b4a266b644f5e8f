-- Stores dead letters once per (group, topic, partition, offset).
-- $1 consumer_group, $2 topics[], $3 partitions[], $4 offsets[], $5 received_at[], $6 reasons[], $7 payloads[], $8 payload_bytes[]
insert into serving.dead_letters (consumer_group, topic, partition, "offset", received_at, reason, payload, payload_bytes)
select $1, * from unnest($2::text[], $3::int[], $4::bigint[], $5::timestamptz[], $6::text[], $7::bytea[], $8::int[])
on conflict (consumer_group, topic, partition, "offset") do nothing
