-- Orchestration's run history: one row per execution of a scheduled job (each retry is a row of its own).
-- grain: one firing of one job on one scheduler instance; key: run_id.
create table if not exists ops.job_runs (
  run_id           bigint generated always as identity primary key,
  job              text        not null,                 -- full-load | incremental-load | reconcile | maintenance
  trigger          text        not null,                 -- schedule | startup | manual | retry | after-incremental | recovery
  attempt          int         not null default 0,       -- 0 for the first try, n for the n-th retry
  instance_id      text        not null,                 -- the Quartz scheduler instance that ran it
  fire_instance_id text        not null,
  scheduled_at     timestamptz,
  started_at       timestamptz not null default now(),
  ended_at         timestamptz,
  status           text        not null default 'running',
  rows             bigint,
  hours            timestamptz[],                        -- the hours loaded (or reconciled)
  detail           text,
  error            text,
  constraint job_runs_status_is_known check (status in ('running', 'succeeded', 'retrying', 'failed', 'abandoned'))
);

create index if not exists job_runs_job_started_idx on ops.job_runs (job, started_at desc);
create index if not exists job_runs_running_idx on ops.job_runs (job) where status = 'running';

-- Removes rows past their retention from every serving table that has a `minute` column, and dead letters by
-- received_at. Tables that do not exist (yet) are skipped, so it works whatever the speed layer has created.
create or replace function ops.purge_expired(cutoff timestamptz)
returns table (table_name text, deleted bigint)
language plpgsql as $$
declare
  t record;
  n bigint;
begin
  for t in
    select c.table_schema, c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
    where c.table_schema = 'serving'
      and tb.table_type = 'BASE TABLE'
      and ((c.column_name = 'minute' and c.data_type like 'timestamp%')
        or (c.table_name = 'dead_letters' and c.column_name = 'received_at'))
    order by c.table_name
  loop
    execute format('delete from %I.%I where %I < $1', t.table_schema, t.table_name, t.column_name) using cutoff;
    get diagnostics n = row_count;
    table_name := t.table_schema || '.' || t.table_name;
    deleted := n;
    return next;
  end loop;
end $$;

-- Analyzes the tables (and partitions) of a schema that changed since their last analyze, e.g. the warehouse's
-- freshly loaded partitions; returns their names.
create or replace function ops.analyze_modified(schema_name text)
returns setof text
language plpgsql as $$
declare
  t record;
begin
  for t in
    select s.schemaname, s.relname
    from pg_stat_user_tables s
    where s.schemaname = schema_name and s.n_mod_since_analyze > 0
    order by s.relname
  loop
    execute format('analyze %I.%I', t.schemaname, t.relname);
    return next t.schemaname || '.' || t.relname;
  end loop;
end $$;
