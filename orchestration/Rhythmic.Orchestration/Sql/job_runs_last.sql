-- The latest run of each job.
select distinct on (job) run_id, job, trigger, attempt, instance_id, scheduled_at, started_at, ended_at, status, rows, hours, detail, error, fire_instance_id
from ops.job_runs
order by job, started_at desc, run_id desc;
