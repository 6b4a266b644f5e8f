-- The lake's manifest (design.md §5): every committed Parquet file, the lander's Kafka offsets and the per-partition
-- event-time watermarks. A file is part of the lake exactly when a row here records it; the lander inserts these rows
-- in the same transaction as the offsets that follow the file's events.
create table lake.files (
  file_id         bigserial   primary key,
  topic           text        not null,
  kafka_partition int         not null,              -- -1 for backfilled files
  first_offset    bigint      not null,
  last_offset     bigint      not null,
  hour            timestamptz not null,              -- event-time hour (UTC) the file's events fall in
  path            text        not null unique,       -- relative to the lake root
  row_count       bigint      not null,
  bytes           bigint      not null,
  source          text        not null check (source in ('lander', 'backfill')),
  committed_at    timestamptz not null default now(),
  check (first_offset <= last_offset)
);
create index files_topic_hour on lake.files (topic, hour);
create index files_committed_at on lake.files (committed_at);

-- Next Kafka offset to consume per group and partition: every event before it is in a committed file or a dead letter.
create table lake.offsets (
  consumer_group  text   not null,
  topic           text   not null,
  kafka_partition int    not null,
  next_offset     bigint not null,
  updated_at      timestamptz not null default now(),
  primary key (consumer_group, topic, kafka_partition)
);

-- Newest event time landed per partition minus the allowed lateness. Hour H of a topic is complete when every
-- partition's watermark is at least H + 1 hour.
create table lake.watermarks (
  topic           text        not null,
  kafka_partition int         not null,
  watermark       timestamptz not null,
  updated_at      timestamptz not null default now(),
  primary key (topic, kafka_partition)
);
