-- Raises (never lowers) partitions' watermarks; arrays of equal length: $1 topics, $2 partitions, $3 watermarks.
insert into lake.watermarks as w (topic, kafka_partition, watermark)
select topic, kafka_partition, max(watermark)
from unnest($1::text[], $2::int[], $3::timestamptz[]) as u(topic, kafka_partition, watermark)
group by topic, kafka_partition
on conflict (topic, kafka_partition) do update
  set watermark = greatest(w.watermark, excluded.watermark), updated_at = now()
