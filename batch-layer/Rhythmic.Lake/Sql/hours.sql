-- The lake's hours with a digest of their manifest rows (it changes when a file of the hour is added, as late events
-- are) and whether each is complete (every partition's watermark has passed its end).
with manifest as (
  select hour, count(*)::int as files, sum(row_count)::bigint as events,
         md5(string_agg(path || ':' || row_count || ':' || bytes, ',' order by path)) as manifest_digest
  from lake.files
  group by hour
),
-- How far every topic is complete: the lake's one rule (live partitions by the slowest, a backfill by its own end).
watermark as (
  select lake.complete_watermark() as low_watermark
)
select m.hour, m.files, m.events, m.manifest_digest,
       coalesce(m.hour + interval '1 hour' <= w.low_watermark, false) as is_complete
from manifest m cross join watermark w
order by m.hour
