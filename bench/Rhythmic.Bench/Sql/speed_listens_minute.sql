-- listens_minute (design.md §4) computed by DuckDB from listen_events as JSON lines, for `rhythmic bench speed` (d).
-- Grain: one row per minute, level, gender ('' for guests), state. The bench replaces {listens_file}.
with listens as (
    select ts, level, coalesce(gender, '') as gender, state
    from read_ndjson('{listens_file}', columns = {ts: 'BIGINT', level: 'VARCHAR', gender: 'VARCHAR', state: 'VARCHAR'})
),

by_minute as (
    select ts - ts % 60000 as minute_ms, level, gender, state, count(*) as listens
    from listens
    group by all
)

select * from by_minute
