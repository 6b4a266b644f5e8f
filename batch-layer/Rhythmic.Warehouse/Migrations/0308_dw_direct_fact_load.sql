-- Loads write facts by binary COPY straight into the fact tables (batch-layer/Rhythmic.Warehouse/FactPass.cs) instead
-- of staging every event and inserting it again: the event staging table goes. What the fact pass counts of each
-- session in the replaced hours lands in stg_session_part (fact_session's columns), and the days a load touches, with
-- whether it holds all of their loaded events, in stg_day. Unlogged and emptied by every load, like the other staging.
drop table dw.stg_event;

create unlogged table dw.stg_session_part (like dw.fact_session);

create unlogged table dw.stg_day (
  day      date primary key,
  first_ts timestamptz not null,
  end_ts   timestamptz not null,
  covered  boolean not null
);

-- The dim_user rows of the users a load touches, built by the loader from all their level runs (UserVersionBuilder.cs)
-- and keyed by Sql/load/050_dim_user.sql.
create unlogged table dw.stg_user_version_new (
  user_id      bigint not null,
  level        text not null,
  valid_from   timestamptz not null,
  valid_to     timestamptz not null,
  first_name   text,
  last_name    text,
  gender       text,
  registration timestamptz
);

-- The loader copies the replaced hours' level runs straight into dw.user_level_run.
drop table dw.stg_level_run;
