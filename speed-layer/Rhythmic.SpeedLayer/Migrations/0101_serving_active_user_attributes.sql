-- The serving API counts distinct users by gender and state across the lambda seam (issue 16): the speed view's
-- actors carry the gender ('' for guests) and the state of their events; both are the user's own in eventsim, so they
-- add no rows. Rows from before this migration have '' (unknown) for both.
alter table serving.active_users_seen
  add column gender text not null default '',
  add column state  text not null default '';

-- The serving API's distinct counts of logged-in users over a window read by minute range.
create index active_users_seen_users on serving.active_users_seen (minute) include (actor_id, level, gender, state) where not is_guest;
