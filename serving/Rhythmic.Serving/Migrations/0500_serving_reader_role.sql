-- The read-only role the serving API reads as (issue 15, "no one in"): it may read the platform's schemas and write
-- nothing. Roles are cluster-wide, so it is created (or corrected) only if needed: the embedded cluster already made
-- it at start, and several test databases of one cluster migrate at once (a concurrent creation is not an error).
-- Its password is not known here: the embedded cluster sets it at every start from its 0600 password file; on
-- another server it is the operator's to set.
do $$
begin
  if not exists (select from pg_roles where rolname = 'rhythmic_reader') then
    create role rhythmic_reader login nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
  elsif exists (select from pg_roles where rolname = 'rhythmic_reader'
                and (rolsuper or rolcreatedb or rolcreaterole or rolreplication or rolbypassrls or not rolcanlogin)) then
    alter role rhythmic_reader with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
  end if;
  -- Even a transaction it starts itself is read-only.
  if not exists (select from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
                 where r.rolname = 'rhythmic_reader' and s.setdatabase = 0
                   and 'default_transaction_read_only=on' = any (s.setconfig)) then
    alter role rhythmic_reader set default_transaction_read_only = on;
  end if;
exception when duplicate_object or unique_violation then null;
end $$;

grant usage on schema serving, dw, lake, ops to rhythmic_reader;
grant select on all tables in schema serving, dw, lake, ops to rhythmic_reader;
-- Tables the owner creates later (new migrations, the warehouse's partitions).
alter default privileges in schema serving, dw, lake, ops grant select on tables to rhythmic_reader;
