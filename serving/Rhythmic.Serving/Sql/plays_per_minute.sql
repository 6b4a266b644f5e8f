-- Plays per minute in [$1, $2): the lambda merge.
-- Grain: one row per minute that had plays. Key: minute.
-- Hours the warehouse has loaded (dw.load_state) come from the batch view (dw.agg_minute); every other hour comes
-- from the speed view (serving.listens_minute). Each hour has exactly one source, so no minute is counted twice and
-- none is missed, even when loads skip an hour.
with loaded as (
  select hour
  from dw.load_state
  where hour >= date_trunc('hour', $1::timestamptz, 'UTC') and hour < $2::timestamptz
),

batch as (
  select a.minute, a.plays, 'batch' as source
  from dw.agg_minute a
  where a.minute >= $1 and a.minute < $2
    and date_trunc('hour', a.minute, 'UTC') in (select hour from loaded)
    and a.plays > 0
),

speed as (
  select l.minute, sum(l.listens)::bigint as plays, 'speed' as source
  from serving.listens_minute l
  where l.minute >= $1 and l.minute < $2
    and date_trunc('hour', l.minute, 'UTC') not in (select hour from loaded)
  group by l.minute
),

merged as (
  select * from batch
  union all
  select * from speed
)

select minute, plays, source from merged order by minute
