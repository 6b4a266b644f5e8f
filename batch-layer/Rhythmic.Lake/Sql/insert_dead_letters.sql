-- Events the lander could not use (shared table of migration 0100). $1 group; arrays of equal length: $2 topics,
-- $3 partitions, $4 offsets, $5 reasons, $6 payloads (first bytes), $7 payload sizes.
insert into serving.dead_letters (consumer_group, topic, partition, "offset", reason, payload, payload_bytes)
select $1, topic, partition, "offset", reason, payload, payload_bytes
from unnest($2::text[], $3::int[], $4::bigint[], $5::text[], $6::bytea[], $7::int[])
       with ordinality as d(topic, partition, "offset", reason, payload, payload_bytes, n)
order by n
on conflict (consumer_group, topic, partition, "offset") do nothing
