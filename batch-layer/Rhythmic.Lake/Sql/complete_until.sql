-- The end of the last complete hour of a topic: the smallest watermark over its partitions, truncated to the hour.
-- $1 topic. Null when no partition has a watermark.
select date_trunc('hour', min(watermark)) from lake.watermarks where topic = $1
