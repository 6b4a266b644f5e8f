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
