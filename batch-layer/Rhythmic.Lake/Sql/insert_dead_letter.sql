-- An event the lander could not use (shared table of migration 0100). $1 group, $2 topic, $3 partition, $4 offset,
-- $5 reason, $6 payload (first bytes), $7 payload size.
insert into serving.dead_letters (consumer_group, topic, partition, "offset", reason, payload, payload_bytes)
values ($1, $2, $3, $4, $5, $6, $7)
on conflict (consumer_group, topic, partition, "offset") do nothing
