-- The latest $1 runs of the scheduled jobs, newest first. Grain: one row per run. Key: run_id.
select run_id, job, trigger, status, started_at, ended_at, rows, coalesce(array_length(hours, 1), 0) as hours, error
from ops.job_runs
order by started_at desc
limit $1
