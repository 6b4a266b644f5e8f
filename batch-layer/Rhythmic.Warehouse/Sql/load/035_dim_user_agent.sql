-- Model: dim_user_agent. Grain: one row per user agent text. Key: user_agent_key = dw.key64(user_agent), which staging
-- computed (stage/user_agents.sql), so the facts take it by user_agent_ref without reading the dimension back.
-- Adds the user agents of the staged hours that the dimension lacks (dw.stg_user_agent holds each distinct one once
-- per lane of the dimension pass, hence distinct). Found by key: a key collision (two texts, one key) fails on the
-- primary key.
insert into dw.dim_user_agent (user_agent_key, user_agent, browser, os, device)
select distinct a.user_agent_key, a.user_agent, a.browser, a.os, a.device
from dw.stg_user_agent a
where not exists (select 1 from dw.dim_user_agent d where d.user_agent_key = a.user_agent_key and d.user_agent = a.user_agent)
