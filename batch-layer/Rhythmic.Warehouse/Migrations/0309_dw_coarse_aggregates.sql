-- Aggregates at a coarser grain than the day tables, so the dashboard's month-long questions read thousands of rows
-- instead of a month of day rows or sessions: top songs per day and per month, users by gender and level, songs per
-- user per day and per session. Each load maintains them in time proportional to the dates and hours it replaces
-- (Sql/load/08x): a month row changes by what the replaced dates' day rows counted before and after.

-- Grain: one row per UTC date and rank among its 100 most played songs (plays desc, then song_key: the order of
-- dw.top_songs). Key: (day, rank). dw.top_songs reads it for up to 100 songs a day.
create table dw.agg_song_day_top (
  day      date not null,
  rank     int not null,
  song_key bigint not null,
  plays    bigint not null,
  primary key (day, rank)
);

-- Grain: one row per month (its first date, UTC) and song, the sum of agg_song_day over the month. Key: (month, song_key).
create table dw.agg_song_month (
  month    date not null,
  song_key bigint not null,
  plays    bigint not null,
  primary key (month, song_key)
);

-- Grain: one row per month and (user_id, level, gender) of agg_user_day. Key: (month, user_id, level, gender).
-- days has bit i (1 << i) set when agg_user_day has the row on day i + 1 of the month, so the users of any dates
-- within a month are the rows whose days meet those dates' bits (dw.month_day_bits).
create table dw.agg_user_month (
  month   date not null,
  user_id bigint not null,
  level   text not null,
  gender  text,
  days    int not null,
  unique nulls not distinct (month, user_id, level, gender)
);

-- Grain: one row per UTC date with logged-in activity. Key: day. users: the distinct users of agg_user_day that date;
-- plays: their plays.
create table dw.agg_day_users (
  day   date primary key,
  users bigint not null,
  plays bigint not null
);

-- Grain: one row per UTC hour in which a session of fact_session started. Key: hour.
create table dw.agg_session_hour (
  hour     timestamptz primary key,
  sessions bigint not null,
  listens  bigint not null
);

-- The warehouse's aggregates so far, summed up (a warehouse loaded before this migration).
insert into dw.agg_song_day_top (day, rank, song_key, plays)
select day, rank, song_key, plays from (
  select day, song_key, plays, row_number() over (partition by day order by plays desc, song_key) as rank from dw.agg_song_day
) r where rank <= 100;

insert into dw.agg_song_month (month, song_key, plays)
select date_trunc('month', day::timestamp)::date, song_key, sum(plays) from dw.agg_song_day group by 1, 2;

insert into dw.agg_user_month (month, user_id, level, gender, days)
select date_trunc('month', day::timestamp)::date, user_id, level, gender, bit_or(1 << (extract(day from day)::int - 1))
from dw.agg_user_day group by 1, 2, 3, 4;

insert into dw.agg_day_users (day, users, plays)
select day, count(distinct user_id), sum(plays) from dw.agg_user_day group by day;

insert into dw.agg_session_hour (hour, sessions, listens)
select date_trunc('hour', start_ts, 'UTC'), count(*), sum(listens) from dw.fact_session group by 1;

-- The bits of agg_user_month.days that stand for the dates of [from_day, to_day) in the month starting on month_start.
create function dw.month_day_bits(month_start date, from_day date, to_day date) returns int
language sql immutable parallel safe
as $$
  select (((1::bigint << (greatest(least(to_day, month_start + 31), from_day, month_start) - month_start)) - 1)
          - ((1::bigint << (greatest(from_day, month_start) - month_start)) - 1))::int
$$;

-- The n most played songs of each period. Minute and hour grains count the facts; a day's top 100 is kept
-- (agg_song_day_top); weeks, and the days of a month or year outside whole months, sum agg_song_day; whole months
-- are summed already (agg_song_month).
create or replace function dw.top_songs(grain text, from_ts timestamptz, to_ts timestamptz, n int default 10)
returns table (period_start timestamptz, rank bigint, artist text, title text, plays bigint)
language sql stable
as $$
  with dates as (
    select (from_ts at time zone 'UTC')::date as from_day, (to_ts at time zone 'UTC')::date as to_day
  ),
  bounds as (
    -- the whole months of [from_day, to_day) are [first_month, end_month) when first_month < end_month
    select d.from_day, d.to_day,
           case when date_trunc('month', d.from_day::timestamp) = d.from_day then d.from_day
                else (date_trunc('month', d.from_day::timestamp) + interval '1 month')::date end as first_month,
           date_trunc('month', d.to_day::timestamp)::date as end_month
    from dates d
  ),
  fine as (
    select date_trunc(dw.check_grain(grain), f.ts, 'UTC') as period_start, f.song_key, count(*) as plays
    from dw.fact_listen f
    where grain in ('minute', 'hour') and f.ts >= from_ts and f.ts < to_ts
    group by 1, 2
  ),
  coarse_parts as (
    select m.month as day, m.song_key, m.plays from dw.agg_song_month m, bounds b
    where dw.check_grain(grain) in ('month', 'year') and m.month >= b.first_month and m.month < b.end_month
    union all
    select a.day, a.song_key, a.plays from dw.agg_song_day a, bounds b
    where (dw.check_grain(grain) = 'week' or (grain = 'day' and n > 100)) and a.day >= b.from_day and a.day < b.to_day
    union all
    select a.day, a.song_key, a.plays from dw.agg_song_day a, bounds b
    where dw.check_grain(grain) in ('month', 'year') and a.day >= b.from_day and a.day < least(b.first_month, b.to_day)
    union all
    select a.day, a.song_key, a.plays from dw.agg_song_day a, bounds b
    where dw.check_grain(grain) in ('month', 'year') and a.day >= greatest(b.end_month, b.first_month, b.from_day) and a.day < b.to_day
  ),
  coarse as (
    select date_trunc(grain, p.day::timestamp) at time zone 'UTC' as period_start, p.song_key, sum(p.plays) as plays
    from coarse_parts p
    group by 1, 2
  ),
  ranked as (
    select p.period_start, p.song_key, p.plays,
           row_number() over (partition by p.period_start order by p.plays desc, p.song_key) as rank
    from (select * from fine union all select * from coarse) p
    union all
    select t.day::timestamp at time zone 'UTC', t.song_key, t.plays, t.rank
    from dw.agg_song_day_top t, dates d
    where dw.check_grain(grain) = 'day' and n <= 100 and t.day >= d.from_day and t.day < d.to_day and t.rank <= n
  )
  select r.period_start, r.rank, s.artist, s.title, r.plays::bigint
  from ranked r join dw.dim_song s on s.song_key = r.song_key
  where r.rank <= n order by r.period_start, r.rank
$$;

-- Distinct logged-in users active in the dates [from_day, to_day) by gender and by the level they had
-- (a user who changed level counts under both).
create or replace function dw.users_by_gender_level(from_day date, to_day date)
returns table (gender text, level text, users bigint)
language sql stable
as $$
  select a.gender, a.level, count(distinct a.user_id)
  from dw.agg_user_month a
  where a.month >= date_trunc('month', from_day::timestamp)::date and a.month < to_day
    and a.days & dw.month_day_bits(a.month, from_day, to_day) <> 0
  group by 1, 2 order by 1, 2
$$;

-- Average songs a user plays per day, over the (user, day) pairs with any logged-in activity in [from_day, to_day).
-- (avg is the sum over the count: the same numeric division.)
create or replace function dw.songs_per_user_per_day(from_day date, to_day date)
returns table (avg_songs numeric, user_days bigint)
language sql stable
as $$
  select round(sum(a.plays) / nullif(sum(a.users), 0), 3), coalesce(sum(a.users), 0)::bigint
  from dw.agg_day_users a where a.day >= from_day and a.day < to_day
$$;

-- Average songs per session, over the sessions started in [from_ts, to_ts): the whole hours of the period from
-- agg_session_hour, its ragged ends from fact_session.
create or replace function dw.songs_per_session(from_ts timestamptz, to_ts timestamptz)
returns table (avg_songs numeric, sessions bigint)
language sql stable
as $$
  with bounds as (
    -- the whole hours of [from_ts, to_ts) are [first_hour, end_hour) when first_hour < end_hour
    select case when date_trunc('hour', from_ts, 'UTC') = from_ts then from_ts
                else date_trunc('hour', from_ts, 'UTC') + interval '1 hour' end as first_hour,
           date_trunc('hour', to_ts, 'UTC') as end_hour
  ),
  parts as (
    select a.sessions, a.listens from dw.agg_session_hour a, bounds b
    where a.hour >= b.first_hour and a.hour < b.end_hour
    union all
    select 1, f.listens from dw.fact_session f, bounds b
    where f.start_ts >= from_ts and f.start_ts < least(b.first_hour, to_ts)
    union all
    select 1, f.listens from dw.fact_session f, bounds b
    where f.start_ts >= greatest(b.end_hour, b.first_hour, from_ts) and f.start_ts < to_ts
  )
  select round(sum(p.listens) / nullif(sum(p.sessions), 0), 3), coalesce(sum(p.sessions), 0)::bigint from parts p
$$;
