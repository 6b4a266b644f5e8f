-- The warehouse's conformed dimensions (design.md §5), with 64-bit surrogate keys.
--
-- Keys are deterministic, so a reload or a full load after incremental loads gives identical rows:
--   dim_date.date_key      = yyyymmdd of the UTC date
--   dim_time.time_key      = second of the UTC day (0..86399)
--   dim_song, dim_location = dw.key64(natural key): the first 64 bits of its md5. Each natural key is unique, and so
--                            is each key: two natural keys hashing alike fail the load on the primary key instead of
--                            silently merging (the 32-bit-hash defect of the seeds).
--   dim_user.user_key      = dw.key64(user_id, valid_from): one row per run of one level (SCD type 2 at event-time grain).
-- Key 0 is the "none" row of dim_user (guests) and dim_song (page views that are not songs), so every fact row joins
-- exactly one row of each dimension.

-- A deterministic 64-bit key from a natural key's text.
create function dw.key64(natural_key text) returns bigint
language sql immutable strict parallel safe
as $$ select ('x' || left(md5(natural_key), 16))::bit(64)::bigint $$;

-- The name of the US federal holiday falling on d (the day itself, not the observed weekday), or null.
create function dw.us_holiday(d date) returns text
language sql immutable strict parallel safe
as $$
  with parts as (
    select extract(month from d)::int as m, extract(day from d)::int as dd, extract(isodow from d)::int as dow,
           extract(year from d)::int as y,
           (extract(day from d)::int - 1) / 7 + 1 as nth,                                    -- 3 = third <weekday> of the month
           extract(month from d + 7) <> extract(month from d) as is_last                     -- last <weekday> of the month
  )
  select case
    when m = 1  and dd = 1                         then 'New Year''s Day'
    when m = 1  and dow = 1 and nth = 3            then 'Martin Luther King Jr. Day'
    when m = 2  and dow = 1 and nth = 3            then 'Washington''s Birthday'
    when m = 5  and dow = 1 and is_last            then 'Memorial Day'
    when m = 6  and dd = 19 and y >= 2021          then 'Juneteenth'
    when m = 7  and dd = 4                         then 'Independence Day'
    when m = 9  and dow = 1 and nth = 1            then 'Labor Day'
    when m = 10 and dow = 1 and nth = 2            then 'Columbus Day'
    when m = 11 and dd = 11                        then 'Veterans Day'
    when m = 11 and dow = 4 and nth = 4            then 'Thanksgiving Day'
    when m = 12 and dd = 25                        then 'Christmas Day'
  end
  from parts
$$;

-- Grain: one row per UTC calendar date. Key: date_key (yyyymmdd). Extended by dw.ensure_dates, never ends.
create table dw.dim_date (
  date_key      bigint primary key,
  date          date not null unique,
  day           smallint not null,          -- day of the month
  day_of_week   smallint not null,          -- ISO: 1 = Monday .. 7 = Sunday
  day_name      text not null,
  week_of_year  smallint not null,          -- ISO week
  iso_year      int not null,               -- the year the ISO week belongs to
  month         smallint not null,
  month_name    text not null,
  quarter       smallint not null,
  year          int not null,
  is_weekend    boolean not null,           -- Saturday or Sunday
  is_us_holiday boolean not null,
  holiday_name  text
);

-- Adds every date of [first_day, last_day] that dim_date lacks, and every date between those and the dates it has,
-- so the dimension stays gap-free whatever order hours are loaded in. Returns the rows added.
create function dw.ensure_dates(first_day date, last_day date) returns int
language sql
as $$
  with bounds as (
    select least(first_day, coalesce(min(date), first_day)) as lo, greatest(last_day, coalesce(max(date), last_day)) as hi
    from dw.dim_date
  ),
  days as (
    select g::date as d from bounds, generate_series(bounds.lo, bounds.hi, interval '1 day') g
  ),
  added as (
    insert into dw.dim_date
    select to_char(d, 'YYYYMMDD')::bigint, d, extract(day from d), extract(isodow from d), trim(to_char(d, 'Day')),
           extract(week from d), extract(isoyear from d), extract(month from d), trim(to_char(d, 'Month')),
           extract(quarter from d), extract(year from d), extract(isodow from d) in (6, 7),
           dw.us_holiday(d) is not null, dw.us_holiday(d)
    from days
    where not exists (select 1 from dw.dim_date x where x.date = days.d)
    returning 1
  )
  select count(*)::int from added
$$;

-- Grain: one row per second of the day. Key: time_key (second of the day).
create table dw.dim_time (
  time_key   bigint primary key,
  hour       smallint not null,
  minute     smallint not null,
  second     smallint not null,
  time_label text not null                  -- 'HH:MI:SS'
);
insert into dw.dim_time
select s, s / 3600, s / 60 % 60, s % 60, lpad((s / 3600)::text, 2, '0') || ':' || lpad((s / 60 % 60)::text, 2, '0') || ':' || lpad((s % 60)::text, 2, '0')
from generate_series(0, 86399) s;

-- Grain: one row per user and run of one level, at event time: an event at ts joins the row with
-- valid_from <= ts < valid_to. A user who upgrades and downgrades within an hour has three rows.
-- Key: user_key = dw.key64(user_id || '@' || epoch ms of valid_from); 0 is the guest (no user).
create table dw.dim_user (
  user_key     bigint primary key,
  user_id      bigint,
  first_name   text,
  last_name    text,
  gender       text,
  level        text,
  registration timestamptz,
  valid_from   timestamptz not null,        -- the first event of the run
  valid_to     timestamptz not null,        -- the first event of the next run, or 'infinity'
  is_current   boolean not null,
  unique (user_id, valid_from)
);
insert into dw.dim_user values (0, null, null, null, null, null, null, '-infinity', 'infinity', true);

-- The runs of one level each user had within each loaded hour: the per-hour input dim_user is rebuilt from, so
-- replacing one hour recomputes the rows of only the users it touches.
-- Grain: one row per hour, user and run. Key: (hour, user_id, first_ts).
create table dw.user_level_run (
  hour         timestamptz not null,
  user_id      bigint not null,
  first_ts     timestamptz not null,
  last_ts      timestamptz not null,
  level        text not null,
  first_name   text,
  last_name    text,
  gender       text,
  registration timestamptz,
  primary key (hour, user_id, first_ts)
);
create index on dw.user_level_run (user_id, first_ts);

-- Grain: one row per song (artist, title, duration). Key: song_key; 0 is "no song".
create table dw.dim_song (
  song_key  bigint primary key,
  artist    text,
  title     text,
  duration  double precision,
  unique (artist, title, duration)
);
insert into dw.dim_song values (0, null, null, null);

-- The two-letter codes of the states (and DC, PR) with their names.
create table dw.us_state (state text primary key, state_name text not null);
insert into dw.us_state values
  ('AL','Alabama'),('AK','Alaska'),('AZ','Arizona'),('AR','Arkansas'),('CA','California'),('CO','Colorado'),
  ('CT','Connecticut'),('DE','Delaware'),('DC','District of Columbia'),('FL','Florida'),('GA','Georgia'),('HI','Hawaii'),
  ('ID','Idaho'),('IL','Illinois'),('IN','Indiana'),('IA','Iowa'),('KS','Kansas'),('KY','Kentucky'),('LA','Louisiana'),
  ('ME','Maine'),('MD','Maryland'),('MA','Massachusetts'),('MI','Michigan'),('MN','Minnesota'),('MS','Mississippi'),
  ('MO','Missouri'),('MT','Montana'),('NE','Nebraska'),('NV','Nevada'),('NH','New Hampshire'),('NJ','New Jersey'),
  ('NM','New Mexico'),('NY','New York'),('NC','North Carolina'),('ND','North Dakota'),('OH','Ohio'),('OK','Oklahoma'),
  ('OR','Oregon'),('PA','Pennsylvania'),('RI','Rhode Island'),('SC','South Carolina'),('SD','South Dakota'),
  ('TN','Tennessee'),('TX','Texas'),('UT','Utah'),('VT','Vermont'),('VA','Virginia'),('WA','Washington'),
  ('WV','West Virginia'),('WI','Wisconsin'),('WY','Wyoming'),('PR','Puerto Rico');

-- Grain: one row per place (city, state, zip, lat, lon). Key: location_key. zip is text: leading zeros kept.
create table dw.dim_location (
  location_key bigint primary key,
  city         text not null,
  state        text not null,
  state_name   text,
  zip          text not null,
  lat          double precision not null,
  lon          double precision not null,
  unique (city, state, zip, lat, lon)
);
