-- Run history, newest first. $1: job or null for every job; $2: only failed runs; $3: at most this many rows.
select run_id, job, trigger, attempt, instance_id, scheduled_at, started_at, ended_at, status, rows, hours, detail, error, fire_instance_id
from ops.job_runs
where ($1::text is null or job = $1)
  and (not $2 or status = 'failed')
order by started_at desc, run_id desc
limit $3;
