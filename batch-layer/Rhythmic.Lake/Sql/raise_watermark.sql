-- Raises (never lowers) a partition's watermark. $1 topic, $2 partition, $3 watermark.
insert into lake.watermarks as w (topic, kafka_partition, watermark)
values ($1, $2, $3)
on conflict (topic, kafka_partition) do update
  set watermark = greatest(w.watermark, excluded.watermark), updated_at = now()
