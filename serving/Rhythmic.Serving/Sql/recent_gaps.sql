-- The latest consumer gaps (Kafka offsets a group never read), newest first, for the dashboard.
-- @n how many. Grain: one row per gap.
select consumer_group, topic, partition, first_missing_offset, last_missing_offset, missing_count, how, detected_at
from ops.consumer_gaps
order by detected_at desc, gap_id desc
limit @n
