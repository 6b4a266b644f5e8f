-- The user agents whose families are not parsed yet: those migration 0313 moved out of the facts of a database loaded
-- before it (SQL does not parse them; the loader does, at its next load). Key 0, "none", has no text to parse.
select user_agent from dw.dim_user_agent where browser is null and user_agent is not null
