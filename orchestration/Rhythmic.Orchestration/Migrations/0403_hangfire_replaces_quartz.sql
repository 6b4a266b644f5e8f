-- Hangfire replaces Quartz.NET (issue 17): Quartz's job store goes, with whatever it still held (its triggers and
-- fired triggers; the run history stays in ops.job_runs).
drop table if exists
  ops.qrtz_fired_triggers, ops.qrtz_paused_trigger_grps, ops.qrtz_scheduler_state, ops.qrtz_locks,
  ops.qrtz_simple_triggers, ops.qrtz_cron_triggers, ops.qrtz_simprop_triggers, ops.qrtz_blob_triggers,
  ops.qrtz_triggers, ops.qrtz_job_details, ops.qrtz_calendars, ops.qrtz_paused_job_grps,
  ops.qrtz_execution_history, ops.qrtz_misfire_history, ops.qrtz_job_status
  cascade;

-- Hangfire's storage lives in its own schema: Hangfire.PostgreSql creates and upgrades its tables there itself
-- (PrepareSchemaIfNecessary, at the first start of a scheduler server or of a trigger), as the owner role; its
-- tables' generic names (job, lock, set, hash, ...) stay out of ops. The schema is made here so that migration 0501
-- can let the read-only role read what Hangfire will create.
create schema if not exists hangfire;
