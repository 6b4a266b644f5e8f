-- A load changes the month aggregates (0309) by the difference between the replaced dates' old and new day rows, so
-- an hour's reload that leaves most of its date as it was touches only what changed. 081 keeps the old rows here
-- while it deletes them; 084 and 085 apply the difference. Unlogged, emptied by every load, like the other staging.
create unlogged table dw.stg_song_day_old (
  day      date not null,
  song_key bigint not null,
  plays    bigint not null
);

create unlogged table dw.stg_user_day_old (
  day     date not null,
  user_id bigint not null,
  level   text not null,
  gender  text
);

-- Every load updates the month rows of its dates' songs and users in place: room on each page keeps those updates
-- heap-only (no new index entry for an unchanged key).
alter table dw.agg_song_month set (fillfactor = 60);
alter table dw.agg_user_month set (fillfactor = 60);
