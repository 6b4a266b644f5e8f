-- A fresh embedded Kafka numbers every partition from offset 0 again, so the offsets the platform's consumer groups
-- stored against the previous one would make them skip that many new messages: forget them.
-- $1 the speed layer's consumer group, $2 the lander's. Grain: one row (how many offsets were forgotten).
with speed as (
  delete from serving.speed_offsets where consumer_group = $1 returning 1
),

lander as (
  delete from lake.offsets where consumer_group = $2 returning 1
)

select (select count(*) from speed) + (select count(*) from lander)
