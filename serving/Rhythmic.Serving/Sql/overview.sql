-- The dashboard's headline figures over the recent window [@since, now): speed view counts, plus the state of the
-- batch side (last loaded hour, lake files), of bad input (dead letters, late events) and of loss (Kafka offsets a
-- consumer group never read, ops.consumer_gaps).
-- Grain: one row.
with window_listens as (
  select coalesce(sum(listens), 0)::bigint as plays from serving.listens_minute where minute >= @since
),

window_users as (
  select count(distinct actor_id)::bigint as active_users from serving.active_users_seen where minute >= @since and not is_guest
),

window_views as (
  select coalesce(sum(views), 0)::bigint as page_views from serving.page_views_minute where minute >= @since
),

window_auth as (
  select coalesce(sum(attempts) filter (where success), 0)::bigint as logins,
         coalesce(sum(attempts) filter (where not success), 0)::bigint as failed_logins
  from serving.auth_minute where minute >= @since
),

newest as (
  select max(minute) as newest_minute from serving.listens_minute
),

batch_state as (
  select max(hour) as last_loaded_hour, count(*)::bigint as loaded_hours from dw.load_state
),

lake_state as (
  select count(*)::bigint as lake_files, coalesce(sum(row_count), 0)::bigint as lake_events from lake.files
),

bad_input as (
  select (select count(*) from serving.dead_letters)::bigint as dead_letters,
         (select coalesce(sum(events), 0) from serving.late_events)::bigint as late_events
),

gaps as (
  select count(*)::bigint as gaps, coalesce(sum(missing_count), 0)::bigint as missing_messages from ops.consumer_gaps
)

select * from window_listens, window_users, window_views, window_auth, newest, batch_state, lake_state, bad_input, gaps
