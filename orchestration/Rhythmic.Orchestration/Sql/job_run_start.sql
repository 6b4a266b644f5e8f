-- Records the start of a run; returns its id.
insert into ops.job_runs (job, trigger, attempt, instance_id, fire_instance_id, scheduled_at)
values ($1, $2, $3, $4, $5, $6)
returning run_id;
