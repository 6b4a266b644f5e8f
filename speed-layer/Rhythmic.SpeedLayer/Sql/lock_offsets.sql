-- Second step of a flush: lock the partitions' offsets rows in a fixed order and return what is stored, so the
-- flush can check nobody else moved them since this consumer read them.
-- $1 consumer_group, $2 topics[], $3 partitions[] (sorted by topic, partition)
select o.topic, o.partition, o.next_offset
from serving.speed_offsets o
join unnest($2::text[], $3::int[]) as p(topic, partition) using (topic, partition)
where o.consumer_group = $1
order by o.topic, o.partition
for update of o
