-- The runs of one Hangfire job (its attempts and recoveries), oldest first.
select run_id, job, trigger, attempt, instance_id, scheduled_at, started_at, ended_at, status, rows, hours, detail, error, fire_instance_id
from ops.job_runs
where fire_instance_id = $1
order by run_id;
