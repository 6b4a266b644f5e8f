-- Aggregate tables the analysts' functions and the dashboard read (so a month is answered in milliseconds), and the
-- reconciliation record. Aggregates are rebuilt by each load for the hours (agg_minute) or dates (agg_*_day) it
-- replaces, in the same transaction as the facts.

-- Grain: one row per UTC minute with any event. Key: minute.
create table dw.agg_minute (
  minute           timestamptz primary key,
  date_key         bigint not null,
  plays            bigint not null,
  page_views       bigint not null,
  login_attempts   bigint not null,
  logins           bigint not null,            -- successful login attempts
  level_changes    bigint not null,
  sessions_started bigint not null             -- page views with item_in_session 0 (as the speed layer counts them)
);

-- Grain: one row per date and song. Key: (day, song_key).
create table dw.agg_song_day (
  day      date not null,
  song_key bigint not null,
  plays    bigint not null,
  primary key (day, song_key)
);

-- Grain: one row per date and artist. Key: (day, artist).
create table dw.agg_artist_day (
  day    date not null,
  artist text not null,
  plays  bigint not null,
  primary key (day, artist)
);

-- Grain: one row per date and location. Key: (day, location_key).
create table dw.agg_location_day (
  day          date not null,
  location_key bigint not null,
  plays        bigint not null,
  page_views   bigint not null,
  primary key (day, location_key)
);

-- Grain: one row per date, user and level the user had that day (logged-in events only). Key: (day, user_id, level).
create table dw.agg_user_day (
  day     date not null,
  user_id bigint not null,
  level   text not null,
  gender  text,
  events  bigint not null,
  plays   bigint not null,
  primary key (day, user_id, level)
);

-- The grains the analysts' functions accept.
create function dw.check_grain(grain text) returns text
language plpgsql immutable
as $$
begin
  if grain not in ('minute', 'hour', 'day', 'week', 'month', 'year') then
    raise exception 'grain must be minute, hour, day, week, month or year (got %)', grain;
  end if;
  return grain;
end
$$;

-- Reconciliation of the speed layer's serving totals with the warehouse's for closed hours (rhythmic reconcile).
create table ops.reconcile_run (
  run_id      bigserial primary key,
  hour        timestamptz not null,
  checked_at  timestamptz not null default now(),
  differences int not null
);
create index on ops.reconcile_run (hour);

-- One unexplained difference: speed and warehouse values of one measure, minute and key.
create table ops.reconcile_difference (
  run_id          bigint not null references ops.reconcile_run on delete cascade,
  measure         text not null,
  minute          timestamptz not null,
  key             text not null,
  speed_value     bigint not null,
  warehouse_value bigint not null,
  late_events     bigint not null            -- events of the minute the speed layer counted as late
);
create index on ops.reconcile_difference (run_id);
