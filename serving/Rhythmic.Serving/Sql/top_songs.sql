-- The $3 most played songs in [$1, $2), merged like plays_per_minute: facts for loaded hours, speed minutes otherwise.
-- Grain: one row per (artist, song). Key: (artist, song).
with loaded as (
  select hour
  from dw.load_state
  where hour >= date_trunc('hour', $1::timestamptz, 'UTC') and hour < $2::timestamptz
),

batch as (
  select s.artist, s.title as song, count(*)::bigint as plays
  from dw.fact_listen f
  join dw.dim_song s on s.song_key = f.song_key
  where f.date_key between dw.date_key_of($1::timestamptz) and dw.date_key_of($2::timestamptz)
    and f.ts >= $1 and f.ts < $2
    and date_trunc('hour', f.ts, 'UTC') in (select hour from loaded)
  group by s.artist, s.title
),

speed as (
  select p.artist, p.song, sum(p.plays)::bigint as plays
  from serving.song_plays_minute p
  where p.minute >= $1 and p.minute < $2
    and date_trunc('hour', p.minute, 'UTC') not in (select hour from loaded)
  group by p.artist, p.song
),

merged as (
  select artist, song, sum(plays)::bigint as plays
  from (select * from batch union all select * from speed) both_views
  group by artist, song
)

select artist, song, plays from merged order by plays desc, artist, song limit $3
