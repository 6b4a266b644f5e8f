-- The end of the last complete hour of a topic, $1 (the rule is lake.complete_watermark, migration 0201).
-- Null when no partition has a watermark.
select date_trunc('hour', lake.complete_watermark($1::text), 'UTC')
