-- Records the start of a run; returns its id and why it runs. $5 is the Hangfire job id: a row of the same job and
-- attempt still running was left by a server that died (Hangfire ran the job again after its invisibility timeout),
-- so that row is marked abandoned and this run is a recovery. The select sees the rows as they were before the update.
with abandoned as (
  update ops.job_runs
  set ended_at = now(), status = 'abandoned', error = 'its server stopped mid-run; the job was recovered by ' || $4
  where fire_instance_id = $5 and attempt = $3 and status = 'running'
  returning run_id
)
insert into ops.job_runs (job, trigger, attempt, instance_id, fire_instance_id, scheduled_at)
select $1,
       case when exists (select 1 from ops.job_runs where fire_instance_id = $5 and attempt = $3) then 'recovery' else $2 end,
       $3, $4, $5, $6
returning run_id, trigger;
