#!/bin/bash
# The `db-roles` service of docker-compose.yml (a one-shot in the postgres image, as the superuser, at every start):
#   rhythmic         owner of the database rhythmic and of every table the migrations create; no superuser
#   rhythmic_reader  read-only (migration 0500 grants it SELECT; here it gets its login and password)
#   superset         owner of the database superset (Superset's own metadata)
# Each password is (re)set from docker/.env, so changing one there takes effect at the next start. Passwords reach
# psql through its environment (\getenv), never its command line.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -q <<'SQL'
\getenv owner_pw RHYTHMIC_PG_PASSWORD
\getenv reader_pw RHYTHMIC_READER_PASSWORD
\getenv superset_pw SUPERSET_DB_PASSWORD

select 'create role rhythmic' where not exists (select from pg_roles where rolname = 'rhythmic') \gexec
alter role rhythmic with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'owner_pw';
select 'create database rhythmic owner rhythmic' where not exists (select from pg_database where datname = 'rhythmic') \gexec

-- The same attributes as migration 0500, which then finds nothing to change.
select 'create role rhythmic_reader' where not exists (select from pg_roles where rolname = 'rhythmic_reader') \gexec
alter role rhythmic_reader with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'reader_pw';
alter role rhythmic_reader set default_transaction_read_only = on;

select 'create role superset' where not exists (select from pg_roles where rolname = 'superset') \gexec
alter role superset with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'superset_pw';
select 'create database superset owner superset' where not exists (select from pg_database where datname = 'superset') \gexec

-- Only the owner creates schemas in the platform's database.
revoke create on database rhythmic from public;
SQL
echo "db-roles: rhythmic, rhythmic_reader and superset are set from docker/.env"
