-- The speed layer's serving store (design.md §4): per-minute aggregates on event time (minute = start of the UTC
-- minute), upserted additively by each flush, and the per-partition offsets written in the same transaction.

-- grain: minute x level x gender x state; gender '' = unknown (guests have no gender).
create table serving.listens_minute (
  minute  timestamptz not null,
  level   text        not null,
  gender  text        not null,
  state   text        not null,
  listens bigint      not null,
  primary key (minute, level, gender, state)
);

-- grain: minute x (artist, song); song_key is a stable 64-bit key of the pair for clients that want one.
create table serving.song_plays_minute (
  minute   timestamptz not null,
  artist   text        not null,
  song     text        not null,
  song_key bigint      not null generated always as (('x' || left(md5(artist || E'\x1f' || song), 16))::bit(64)::bigint) stored,
  plays    bigint      not null,
  primary key (minute, artist, song)
);
create index song_plays_minute_minute_plays on serving.song_plays_minute (minute, plays desc);

-- grain: minute x artist.
create table serving.artist_plays_minute (
  minute timestamptz not null,
  artist text        not null,
  plays  bigint      not null,
  primary key (minute, artist)
);

-- Distinct active users made additive: one row per (minute, level, actor) ever seen; a flush inserts the actors it
-- saw and adds only the rows that were new to active_users_minute. An actor is a userId, or for guests (no userId)
-- their sessionId, each guest session counting as one user.
create table serving.active_users_seen (
  minute   timestamptz not null,
  level    text        not null,
  is_guest boolean     not null,
  actor_id bigint      not null,
  primary key (minute, level, is_guest, actor_id)
);

-- grain: minute x level; users = count of active_users_seen rows of that minute and level.
create table serving.active_users_minute (
  minute timestamptz not null,
  level  text        not null,
  users  bigint      not null,
  primary key (minute, level)
);

-- grain: minute x page x level x status.
create table serving.page_views_minute (
  minute timestamptz not null,
  page   text        not null,
  level  text        not null,
  status int         not null,
  views  bigint      not null,
  primary key (minute, page, level, status)
);

-- grain: minute x success (login attempts from auth_events).
create table serving.auth_minute (
  minute   timestamptz not null,
  success  boolean     not null,
  attempts bigint      not null,
  primary key (minute, success)
);

-- grain: minute x (from_level, to_level), from status_change_events (whose level is the level before the change).
create table serving.level_changes_minute (
  minute     timestamptz not null,
  from_level text        not null,
  to_level   text        not null,
  changes    bigint      not null,
  primary key (minute, from_level, to_level)
);

-- grain: minute x level; a session starts with its page view of itemInSession 0.
create table serving.sessions_started_minute (
  minute   timestamptz not null,
  level    text        not null,
  sessions bigint      not null,
  primary key (minute, level)
);

-- The next offset to read per partition, committed with the aggregates it produced, and the newest event time seen
-- in the partition (its watermark state), so a restart or another instance classifies late events the same way.
create table serving.speed_offsets (
  consumer_group text        not null,
  topic          text        not null,
  partition      int         not null,
  next_offset    bigint      not null,
  max_event_ts   bigint      not null,
  updated_at     timestamptz not null default now(),
  primary key (consumer_group, topic, partition)
);

-- Events older than the watermark (newest event time of their partition minus the allowed lateness), per minute.
create table serving.late_events (
  topic        text        not null,
  minute       timestamptz not null,
  events       bigint      not null,
  last_seen_at timestamptz not null default now(),
  primary key (topic, minute)
);

-- Messages no layer could use, with why. Shared by the speed layer and the lake lander (consumer_group tells them
-- apart); one row per message and group, so a replay does not store it twice. payload is the message's first bytes.
create table serving.dead_letters (
  id             bigserial   primary key,
  consumer_group text        not null,
  topic          text        not null,
  partition      int         not null,
  "offset"       bigint      not null,
  received_at    timestamptz not null default now(),
  reason         text        not null,
  payload        bytea       not null,
  payload_bytes  int         not null,
  unique (consumer_group, topic, partition, "offset")
);
create index dead_letters_received_at on serving.dead_letters (received_at);
