-- The analysts' questions as functions of a grain (minute, hour, day, week, month, year: periods start at
-- date_trunc in UTC; weeks on Monday) and a half-open period [from_ts, to_ts). Day and coarser grains read the
-- aggregate tables; minute and hour grains of top-N read the facts of the period (BRIN on ts bounds the scan).

-- Plays (NextSong listens) per period.
create function dw.plays(grain text, from_ts timestamptz, to_ts timestamptz)
returns table (period_start timestamptz, plays bigint)
language sql stable
as $$
  select date_trunc(dw.check_grain(grain), minute, 'UTC'), sum(a.plays)::bigint
  from dw.agg_minute a where a.minute >= from_ts and a.minute < to_ts
  group by 1 order by 1
$$;

-- Logins (successful) and login attempts per period.
create function dw.logins(grain text, from_ts timestamptz, to_ts timestamptz)
returns table (period_start timestamptz, logins bigint, attempts bigint)
language sql stable
as $$
  select date_trunc(dw.check_grain(grain), minute, 'UTC'), sum(a.logins)::bigint, sum(a.login_attempts)::bigint
  from dw.agg_minute a where a.minute >= from_ts and a.minute < to_ts
  group by 1 order by 1
$$;

-- Page views, plays and sessions started per period (the dashboard's activity chart).
create function dw.activity(grain text, from_ts timestamptz, to_ts timestamptz)
returns table (period_start timestamptz, page_views bigint, plays bigint, sessions_started bigint, level_changes bigint)
language sql stable
as $$
  select date_trunc(dw.check_grain(grain), minute, 'UTC'), sum(a.page_views)::bigint, sum(a.plays)::bigint,
         sum(a.sessions_started)::bigint, sum(a.level_changes)::bigint
  from dw.agg_minute a where a.minute >= from_ts and a.minute < to_ts
  group by 1 order by 1
$$;

-- The n most played songs of each period.
create function dw.top_songs(grain text, from_ts timestamptz, to_ts timestamptz, n int default 10)
returns table (period_start timestamptz, rank bigint, artist text, title text, plays bigint)
language sql stable
as $$
  with plays as (
    select date_trunc(dw.check_grain(grain), f.ts, 'UTC') as period_start, f.song_key, count(*) as plays
    from dw.fact_listen f
    where grain in ('minute', 'hour') and f.ts >= from_ts and f.ts < to_ts
    group by 1, 2
    union all
    select date_trunc(dw.check_grain(grain), a.day::timestamp at time zone 'UTC', 'UTC'), a.song_key, sum(a.plays)
    from dw.agg_song_day a
    where grain not in ('minute', 'hour') and a.day >= (from_ts at time zone 'UTC')::date and a.day < (to_ts at time zone 'UTC')::date
    group by 1, 2
  ),
  ranked as (
    select p.*, row_number() over (partition by p.period_start order by p.plays desc, p.song_key) as rank from plays p
  )
  select r.period_start, r.rank, s.artist, s.title, r.plays::bigint
  from ranked r join dw.dim_song s on s.song_key = r.song_key
  where r.rank <= n order by r.period_start, r.rank
$$;

-- The n most played artists of each period.
create function dw.top_artists(grain text, from_ts timestamptz, to_ts timestamptz, n int default 10)
returns table (period_start timestamptz, rank bigint, artist text, plays bigint)
language sql stable
as $$
  with plays as (
    select date_trunc(dw.check_grain(grain), f.ts, 'UTC') as period_start, s.artist, count(*) as plays
    from dw.fact_listen f join dw.dim_song s on s.song_key = f.song_key
    where grain in ('minute', 'hour') and f.ts >= from_ts and f.ts < to_ts
    group by 1, 2
    union all
    select date_trunc(dw.check_grain(grain), a.day::timestamp at time zone 'UTC', 'UTC'), a.artist, sum(a.plays)
    from dw.agg_artist_day a
    where grain not in ('minute', 'hour') and a.day >= (from_ts at time zone 'UTC')::date and a.day < (to_ts at time zone 'UTC')::date
    group by 1, 2
  ),
  ranked as (
    select p.*, row_number() over (partition by p.period_start order by p.plays desc, p.artist) as rank from plays p
  )
  select period_start, rank, artist, plays::bigint from ranked where rank <= n order by period_start, rank
$$;

-- The n locations with the most plays in each period.
create function dw.top_locations(grain text, from_ts timestamptz, to_ts timestamptz, n int default 10)
returns table (period_start timestamptz, rank bigint, city text, state text, plays bigint)
language sql stable
as $$
  with plays as (
    select date_trunc(dw.check_grain(grain), f.ts, 'UTC') as period_start, f.location_key, count(*) as plays
    from dw.fact_listen f
    where grain in ('minute', 'hour') and f.ts >= from_ts and f.ts < to_ts
    group by 1, 2
    union all
    select date_trunc(dw.check_grain(grain), a.day::timestamp at time zone 'UTC', 'UTC'), a.location_key, sum(a.plays)
    from dw.agg_location_day a
    where grain not in ('minute', 'hour') and a.plays > 0
      and a.day >= (from_ts at time zone 'UTC')::date and a.day < (to_ts at time zone 'UTC')::date
    group by 1, 2
  ),
  ranked as (
    select p.*, row_number() over (partition by p.period_start order by p.plays desc, p.location_key) as rank from plays p
  )
  select r.period_start, r.rank, l.city, l.state, r.plays::bigint
  from ranked r join dw.dim_location l on l.location_key = r.location_key
  where r.rank <= n order by r.period_start, r.rank
$$;

-- Distinct logged-in users active in the dates [from_day, to_day) by gender and by the level they had
-- (a user who changed level counts under both).
create function dw.users_by_gender_level(from_day date, to_day date)
returns table (gender text, level text, users bigint)
language sql stable
as $$
  select a.gender, a.level, count(distinct a.user_id)
  from dw.agg_user_day a where a.day >= from_day and a.day < to_day
  group by 1, 2 order by 1, 2
$$;

-- Average songs a user plays per day, over the (user, day) pairs with any logged-in activity in [from_day, to_day).
create function dw.songs_per_user_per_day(from_day date, to_day date)
returns table (avg_songs numeric, user_days bigint)
language sql stable
as $$
  with per_user_day as (
    select day, user_id, sum(plays) as plays from dw.agg_user_day where day >= from_day and day < to_day group by 1, 2
  )
  select round(avg(plays), 3), count(*) from per_user_day
$$;

-- Average songs per session, over the sessions started in [from_ts, to_ts).
create function dw.songs_per_session(from_ts timestamptz, to_ts timestamptz)
returns table (avg_songs numeric, sessions bigint)
language sql stable
as $$
  select round(avg(listens), 3), count(*) from dw.fact_session where start_ts >= from_ts and start_ts < to_ts
$$;

-- The listen facts with their dimensions, flat (for Superset and ad-hoc SQL).
create view dw.v_listen as
select f.ts, d.date, d.day_name, d.is_weekend, d.is_us_holiday, t.hour, t.minute, u.user_id, u.first_name, u.last_name,
       u.gender, f.level, s.artist, s.title, f.duration, l.city, l.state, l.state_name, l.zip, f.session_id,
       f.item_in_session, f.user_agent
from dw.fact_listen f
join dw.dim_date d on d.date_key = f.date_key
join dw.dim_time t on t.time_key = f.time_key
join dw.dim_user u on u.user_key = f.user_key
join dw.dim_song s on s.song_key = f.song_key
join dw.dim_location l on l.location_key = f.location_key;

-- The hours the warehouse holds (the batch view's extent; the serving API answers from the speed view after them).
create view dw.v_loaded_hours as
select hour, events, files, load_kind, loaded_at from dw.load_state;
