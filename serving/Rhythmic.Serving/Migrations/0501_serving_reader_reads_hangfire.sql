-- The serving API's read-only role (0500) reads Hangfire's storage too: GET /api/jobs and the dashboard at
-- /hangfire read it as rhythmic_reader; only the admin's actions (trigger, retry, delete) write, as the owner.
-- Hangfire.PostgreSql creates its tables after the migrations, as the owner: default privileges cover them.
grant usage on schema hangfire to rhythmic_reader;
grant select on all tables in schema hangfire to rhythmic_reader;
alter default privileges in schema hangfire grant select on tables to rhythmic_reader;
