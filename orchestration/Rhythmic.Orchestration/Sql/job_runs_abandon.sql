-- When a job is recovered, the runs of it that other (dead) instances left running are marked abandoned.
update ops.job_runs
set ended_at = now(), status = 'abandoned', error = 'its scheduler instance stopped mid-run; the job was recovered by ' || $2
where job = $1 and status = 'running' and instance_id <> $2;
