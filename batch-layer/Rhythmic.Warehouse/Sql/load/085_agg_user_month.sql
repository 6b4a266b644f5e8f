-- Model: agg_user_month. Grain: one row per month and (user_id, level, gender) of agg_user_day; days: bit i for day
-- i + 1 of the month. Key: (month, user_id, level, gender). 081 cleared the replaced dates' bits; this sets those of
-- their new rows of agg_user_day. When the table was empty the fact pass's rows of the covered dates went straight in
-- ($1 = true), and only the other dates are added.
insert into dw.agg_user_month (month, user_id, level, gender, days)
select date_trunc('month', a.day::timestamp)::date, a.user_id, a.level, a.gender, bit_or(1 << (extract(day from a.day)::int - 1))
from dw.stg_day d join dw.agg_user_day a on a.day = d.day
where not ($1 and d.covered)
group by 1, 2, 3, 4
on conflict (month, user_id, level, gender) do update set days = dw.agg_user_month.days | excluded.days
