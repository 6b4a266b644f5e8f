-- User agents become a dimension (design.md §5): eventsim draws one user agent per user, yet every event fact carried
-- its text (about 110 bytes, half of a fact row's). The facts now carry user_agent_key, as they carry the keys of the
-- other dimensions, and dw.dim_user_agent holds each text once, with the families analysts group by.

-- Grain: one row per user agent text. Key: user_agent_key = dw.key64(user_agent); 0 is "none" (an event without a
-- user agent). The check ties the key to the text, so the primary key keeps the texts unique (without a b-tree on
-- texts of any length), and a key collision (two texts, one key) fails a load instead of merging them.
-- browser, os, device: the families the loader parses (batch-layer/Rhythmic.Warehouse/UserAgents/UserAgentParser.cs),
-- 'Other' where no rule matches; device is 'Desktop', 'Mobile', 'Tablet' or 'Other'. They are null in the "none" row,
-- and in the rows this migration moves out of existing facts until the next load parses them (SQL does not).
create table dw.dim_user_agent (
  user_agent_key bigint primary key,
  user_agent     text,
  browser        text,
  os             text,
  device         text,
  check (user_agent_key = coalesce(dw.key64(user_agent), 0))
);
insert into dw.dim_user_agent values (0, null, null, null, null);

-- A database loaded before: each distinct text of its facts becomes a row, and each fact takes that row's key.
insert into dw.dim_user_agent (user_agent_key, user_agent)
select dw.key64(user_agent), user_agent
from (select user_agent from dw.fact_listen union select user_agent from dw.fact_page_view union select user_agent from dw.fact_auth) a
where user_agent is not null;

-- v_listen reads the text; it is built again below, through the dimension.
drop view dw.v_listen;

-- The dropped text's bytes stay in the rows written before until they are written again (a full load rewrites all).
alter table dw.fact_listen add column user_agent_key bigint not null default 0;
update dw.fact_listen f set user_agent_key = d.user_agent_key from dw.dim_user_agent d where d.user_agent = f.user_agent;
alter table dw.fact_listen alter column user_agent_key drop default, drop column user_agent;

alter table dw.fact_page_view add column user_agent_key bigint not null default 0;
update dw.fact_page_view f set user_agent_key = d.user_agent_key from dw.dim_user_agent d where d.user_agent = f.user_agent;
alter table dw.fact_page_view alter column user_agent_key drop default, drop column user_agent;

alter table dw.fact_auth add column user_agent_key bigint not null default 0;
update dw.fact_auth f set user_agent_key = d.user_agent_key from dw.dim_user_agent d where d.user_agent = f.user_agent;
alter table dw.fact_auth alter column user_agent_key drop default, drop column user_agent;

-- The distinct user agents of the hours a load replaces, numbered by the loader (user_agent_ref) as songs and places
-- are (0305_dw_staging_refs.sql), with their parsed families and keys. Unlogged and emptied by every load.
create unlogged table dw.stg_user_agent (
  user_agent_ref int primary key,
  user_agent     text not null,
  browser        text not null,
  os             text not null,
  device         text not null,
  user_agent_key bigint not null
);

-- The listen facts with their dimensions, flat (for Superset and ad-hoc SQL): as 0303 built it, with the user agent's
-- text and families from dim_user_agent.
create view dw.v_listen as
select f.ts, d.date, d.day_name, d.is_weekend, d.is_us_holiday, t.hour, t.minute, u.user_id, u.first_name, u.last_name,
       u.gender, f.level, s.artist, s.title, f.duration, l.city, l.state, l.state_name, l.zip, f.session_id,
       f.item_in_session, a.user_agent, a.browser, a.os, a.device
from dw.fact_listen f
join dw.dim_date d on d.date_key = f.date_key
join dw.dim_time t on t.time_key = f.time_key
join dw.dim_user u on u.user_key = f.user_key
join dw.dim_song s on s.song_key = f.song_key
join dw.dim_location l on l.location_key = f.location_key
join dw.dim_user_agent a on a.user_agent_key = f.user_agent_key;
