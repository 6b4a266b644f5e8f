-- Records how a run ended. Only a run still marked running is updated: a run another instance already declared
-- abandoned (its scheduler was presumed dead and the job recovered elsewhere) keeps that status.
update ops.job_runs
set ended_at = now(), status = $2, rows = $3, hours = $4, detail = $5, error = $6
where run_id = $1 and status = 'running';
