-- Records the actors seen and adds to active_users_minute only those not seen before in that minute and level,
-- which keeps distinct counts exact across flushes and instances. Gender and state are the actor's (constant per
-- user), kept so the serving API can count distinct users by gender and state.
-- $1 minutes[], $2 levels[], $3 is_guest[], $4 actor_ids[], $5 genders[], $6 states[]
with seen as (
  insert into serving.active_users_seen (minute, level, is_guest, actor_id, gender, state)
  select * from unnest($1::timestamptz[], $2::text[], $3::boolean[], $4::bigint[], $5::text[], $6::text[])
  on conflict do nothing
  returning minute, level
),
new_per_minute as (
  select minute, level, count(*) as users from seen group by minute, level
)
insert into serving.active_users_minute as t (minute, level, users)
select * from new_per_minute
on conflict (minute, level) do update set users = t.users + excluded.users
