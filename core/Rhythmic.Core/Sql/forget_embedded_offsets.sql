-- A fresh embedded Kafka numbers every partition from offset 0 again, so the offsets the platform's consumer groups
-- stored against the previous one would make them skip that many new messages: forget them. The gaps recorded against
-- the previous cluster stay (they were real losses) but are marked, so the new cluster's gaps at the same offsets count.
-- $1 the speed layer's consumer group, $2 the lander's. Grain: one row (how many offsets were forgotten).
with speed as (
  delete from serving.speed_offsets where consumer_group = $1 returning 1
),

lander as (
  delete from lake.offsets where consumer_group = $2 returning 1
),

-- (a data-modifying CTE runs whether or not the query reads it)
old_gaps as (
  update ops.consumer_gaps set offsets_forgotten_at = now()
  where consumer_group in ($1, $2) and offsets_forgotten_at is null
  returning 1
)

select (select count(*) from speed) + (select count(*) from lander)
