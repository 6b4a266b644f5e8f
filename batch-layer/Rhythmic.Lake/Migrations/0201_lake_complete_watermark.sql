-- How far the lake is complete, for one topic or (for_topic null) for every topic: live partitions (kafka_partition
-- >= 0) up to the smallest of their watermarks; a backfill (partition -1) wrote its history at once, so up to its newest
-- watermark, and it never holds back the hours the landers add after it. Null when no partition has a watermark.
-- The lake's complete_until and the warehouse's choice of complete hours both read this one rule.
create function lake.complete_watermark(for_topic text default null) returns timestamptz
language sql stable
as $$
  select greatest(
    (select min(watermark) from lake.watermarks where kafka_partition >= 0 and (for_topic is null or topic = for_topic)),
    (select max(watermark) from lake.watermarks where kafka_partition < 0 and (for_topic is null or topic = for_topic)))
$$;
