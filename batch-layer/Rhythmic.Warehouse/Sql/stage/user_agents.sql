-- The distinct user agents of the staged events, with the numbers the staged events refer to them by
-- (user_agent_ref), the families the loader parsed (UserAgents/UserAgentParser.cs), and their keys: user_agent_key is
-- dw.key64 of the text (035_dim_user_agent.sql), the key dim_user_agent has or is given.
insert into dw.stg_user_agent (user_agent_ref, user_agent, browser, os, device, user_agent_key)
select user_agent_ref, user_agent, browser, os, device, dw.key64(user_agent)
from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) as a (user_agent_ref, user_agent, browser, os, device)
