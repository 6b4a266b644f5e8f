-- The warehouse's facts (design.md §5): one row per event of each topic (fact_listen, fact_page_view, fact_auth,
-- fact_level_change) and one per session (fact_session). Event facts are partitioned by month of date_key (created
-- on demand by dw.ensure_fact_partitions) and carry a BRIN index on ts: loads append hour by hour, so a BRIN index
-- finds an hour's rows (to replace them) and a period's rows (for the views) at almost no cost to the load.
-- Every fact row joins exactly one row of dim_date, dim_time, dim_user, dim_song (where present) and dim_location.

-- Grain: one row per listen_events event. Key: none (an event); lineage (kafka_partition, kafka_offset) kept.
create table dw.fact_listen (
  date_key        bigint not null,
  time_key        bigint not null,
  user_key        bigint not null,
  song_key        bigint not null,
  location_key    bigint not null,
  session_id      bigint not null,
  item_in_session int not null,
  level           text not null,
  duration        double precision not null,   -- seconds
  user_agent      text,
  ts              timestamptz not null
) partition by range (date_key);

-- Grain: one row per page_view_events event (every event). song_key is 0 unless page = 'NextSong'.
create table dw.fact_page_view (
  date_key        bigint not null,
  time_key        bigint not null,
  user_key        bigint not null,
  song_key        bigint not null,
  location_key    bigint not null,
  session_id      bigint not null,
  item_in_session int not null,
  level           text not null,
  page            text not null,
  auth            text not null,
  method          text not null,
  status          int not null,
  user_agent      text,
  ts              timestamptz not null
) partition by range (date_key);

-- Grain: one row per auth_events event (a login attempt).
create table dw.fact_auth (
  date_key        bigint not null,
  time_key        bigint not null,
  user_key        bigint not null,
  location_key    bigint not null,
  session_id      bigint not null,
  item_in_session int not null,
  level           text not null,
  is_success      boolean not null,
  user_agent      text,
  ts              timestamptz not null
) partition by range (date_key);

-- Grain: one row per status_change_events event (Submit Upgrade / Submit Downgrade); from_level is the event's level.
create table dw.fact_level_change (
  date_key        bigint not null,
  time_key        bigint not null,
  user_key        bigint not null,
  location_key    bigint not null,
  session_id      bigint not null,
  item_in_session int not null,
  from_level      text not null,
  to_level        text not null,
  ts              timestamptz not null
) partition by range (date_key);

create index on dw.fact_listen using brin (ts);
create index on dw.fact_page_view using brin (ts);
create index on dw.fact_auth using brin (ts);
create index on dw.fact_level_change using brin (ts);

-- Grain: one row per session. Key: session_id. Rebuilt from fact_page_view (every event) for each session an hour
-- touches, so a session spanning hours is complete once its last hour is loaded. user_key is the user of its first
-- logged-in event (0 for a guest-only session); level and location are those of its first event.
create table dw.fact_session (
  session_id    bigint primary key,
  date_key      bigint not null,
  time_key      bigint not null,
  user_key      bigint not null,
  location_key  bigint not null,
  level         text not null,
  start_ts      timestamptz not null,
  end_ts        timestamptz not null,
  events        int not null,
  listens       int not null
);
create index on dw.fact_session (start_ts);

-- Creates the monthly partitions of the event facts covering [first_day, last_day] that do not exist yet.
create function dw.ensure_fact_partitions(first_day date, last_day date) returns void
language plpgsql
as $$
declare
  m date;
  t text;
begin
  for m in select generate_series(date_trunc('month', first_day), date_trunc('month', last_day), interval '1 month')::date loop
    foreach t in array array['fact_listen', 'fact_page_view', 'fact_auth', 'fact_level_change'] loop
      if to_regclass(format('dw.%I', t || '_' || to_char(m, 'YYYYMM'))) is null then
        execute format('create table dw.%I partition of dw.%I for values from (%s) to (%s)',
          t || '_' || to_char(m, 'YYYYMM'), t, to_char(m, 'YYYYMMDD'), to_char((m + interval '1 month')::date, 'YYYYMMDD'));
      end if;
    end loop;
  end loop;
end
$$;

-- Staging: the lake's rows of the hours being loaded, written by binary COPY and read by the transforms in
-- batch-layer/Rhythmic.Warehouse/Sql/load. Unlogged (rebuilt from the lake at will); one loader at a time holds
-- the warehouse's advisory lock, and every load empties them first inside its own transaction.
create unlogged table dw.stg_event (
  topic           text not null,
  ts              timestamptz not null,
  session_id      bigint not null,
  level           text not null,
  item_in_session int not null,
  city            text not null,
  zip             text not null,
  state           text not null,
  user_agent      text,
  lon             double precision not null,
  lat             double precision not null,
  user_id         bigint,
  first_name      text,
  last_name       text,
  gender          text,
  registration    timestamptz,
  artist          text,
  song            text,
  duration        double precision,
  auth            text,
  page            text,
  method          text,
  status          int,
  success         boolean
);

-- The hours (UTC) a load replaces: every fact, run and aggregate row of these hours is deleted and rebuilt from staging.
create unlogged table dw.stg_hour (hour timestamptz primary key);

-- What each hour's last load saw of the lake's manifest, so an hour whose files changed (late events) is reloaded.
-- Grain: one row per loaded hour. Key: hour.
create table dw.load_state (
  hour            timestamptz primary key,
  manifest_digest text not null,              -- md5 over the hour's manifest rows (path, row count, bytes)
  files           int not null,
  events          bigint not null,
  load_kind       text not null,              -- 'full' | 'incremental'
  loaded_at       timestamptz not null default now()
);

-- The users and old dim_user rows a load touches, and where facts must move from an old user row to a new one.
create unlogged table dw.stg_user (user_id bigint primary key);
create unlogged table dw.stg_user_version (user_key bigint primary key, user_id bigint not null, valid_from timestamptz not null, valid_to timestamptz not null);
create unlogged table dw.stg_user_remap (old_key bigint not null, new_key bigint not null, from_ts timestamptz not null, to_ts timestamptz not null);
create unlogged table dw.stg_session (session_id bigint primary key);
create unlogged table dw.stg_window (lo timestamptz, hi timestamptz);

-- The warehouse's date and time keys of an instant (UTC).
create function dw.date_key_of(ts timestamptz) returns bigint
language sql immutable strict parallel safe
as $$ select (extract(year from ts at time zone 'UTC') * 10000 + extract(month from ts at time zone 'UTC') * 100
              + extract(day from ts at time zone 'UTC'))::bigint $$;

create function dw.time_key_of(ts timestamptz) returns bigint
language sql immutable strict parallel safe
as $$ select (floor(extract(epoch from ts))::bigint % 86400 + 86400) % 86400 $$;
