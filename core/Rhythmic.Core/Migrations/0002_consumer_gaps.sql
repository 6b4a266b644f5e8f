-- Ranges of Kafka offsets a consumer group never read: retention (or the embedded broker's 5 MB per partition) deleted
-- them before the group got there, or a fetched offset jumped past the next expected one. Each consumer writes its gaps
-- in the same transaction as the offset advance that steps over them, so a crash neither loses nor repeats one.
-- grain: one skipped range of one partition for one group; key: gap_id.
create table ops.consumer_gaps (
  gap_id               bigint generated always as identity primary key,
  consumer_group       text        not null,
  topic                text        not null,
  partition            int         not null,
  first_missing_offset bigint      not null,
  last_missing_offset  bigint      not null,
  missing_count        bigint      not null generated always as (last_missing_offset - first_missing_offset + 1) stored,
  -- offset_jump: a fetched offset was beyond the next expected one; log_start_passed: at assignment the log start was
  -- past the stored offset; offset_reset: fetching failed out of range while consuming; before_first_read: a group with
  -- no stored offset found the log starting after 0 (those messages were deleted before it ever read).
  how                  text        not null,
  detected_at          timestamptz not null default now(),
  -- Set when the embedded Kafka these offsets numbered was replaced (a new one numbers every partition from 0 again),
  -- so a gap of the new cluster at the same offsets is a new row, not a duplicate of the old.
  offsets_forgotten_at timestamptz,
  constraint consumer_gaps_how_is_known check (how in ('offset_jump', 'log_start_passed', 'offset_reset', 'before_first_read')),
  constraint consumer_gaps_range_is_valid check (first_missing_offset >= 0 and last_missing_offset >= first_missing_offset)
);

-- One gap per start offset of a partition and group, among the current cluster's offsets: recording again is a no-op.
create unique index consumer_gaps_once on ops.consumer_gaps (consumer_group, topic, partition, first_missing_offset)
  where offsets_forgotten_at is null;
create index consumer_gaps_detected_at on ops.consumer_gaps (detected_at desc);
