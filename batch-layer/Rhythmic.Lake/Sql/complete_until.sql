-- The end of the last complete hour of a topic, $1. Null when no partition has a watermark.
-- Live partitions (kafka_partition >= 0) are complete up to their smallest watermark; a backfill (partition -1) wrote
-- its whole history at once, so it is complete up to its newest watermark and never holds later hours back.
with live as (
  select min(watermark) as watermark from lake.watermarks where topic = $1 and kafka_partition >= 0
),

backfill as (
  select max(watermark) as watermark from lake.watermarks where topic = $1 and kafka_partition < 0
)

select date_trunc('hour', greatest(live.watermark, backfill.watermark), 'UTC') from live, backfill
