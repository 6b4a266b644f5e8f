-- Model: agg_hour. Grain: one row per UTC hour of the replaced hours with any event. Key: hour.
-- Rebuilt from the replaced hours' agg_minute rows, which the load has just written.
delete from dw.agg_hour a using dw.stg_hour h where a.hour = h.hour;

insert into dw.agg_hour
select h.hour, sum(a.plays), sum(a.page_views), sum(a.login_attempts), sum(a.logins), sum(a.level_changes), sum(a.sessions_started)
from dw.stg_hour h
join dw.agg_minute a on a.minute >= h.hour and a.minute < h.hour + interval '1 hour'
group by h.hour;
