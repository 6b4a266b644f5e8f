-- Sets the families the loader parsed ($2 browser, $3 os, $4 device) of the unparsed user agents ($1, their texts).
update dw.dim_user_agent d
set browser = p.browser, os = p.os, device = p.device
from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as p (user_agent, browser, os, device)
where d.user_agent_key = dw.key64(p.user_agent) and d.user_agent = p.user_agent
