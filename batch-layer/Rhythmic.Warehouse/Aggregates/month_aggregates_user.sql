-- Model: agg_user_month. Grain: one row per month and (user_id, level, gender) of agg_user_day; days: bit i for day
-- i + 1 of the month. Key: (month, user_id, level, gender). A row's bits of the replaced dates are those of the old
-- rows (day_aggregates_dates kept them); they become those of the new rows of agg_user_day by flipping the bits that differ (old xor
-- new), written only for the (user, level, gender)s whose bits changed. When the table was empty the fact pass's rows
-- of the covered dates went straight in ($1 = true), and only the other dates are counted here. A row left with no
-- day goes in month_aggregates_emptied.
with new as (
  select date_trunc('month', a.day::timestamp)::date as month, a.user_id, a.level, a.gender,
         bit_or(1 << (extract(day from a.day)::int - 1)) as days
  from dw.agg_user_day a
  where a.day = any (array(select day from dw.stg_day where not ($1 and covered)))
  group by 1, 2, 3, 4
),
old as (
  select date_trunc('month', o.day::timestamp)::date as month, o.user_id, o.level, o.gender,
         bit_or(1 << (extract(day from o.day)::int - 1)) as days
  from dw.stg_user_day_old o
  group by 1, 2, 3, 4
),
flipped as (
  select coalesce(n.month, o.month) as month, coalesce(n.user_id, o.user_id) as user_id,
         coalesce(n.level, o.level) as level, case when n.month is null then o.gender else n.gender end as gender,
         coalesce(n.days, 0) # coalesce(o.days, 0) as days
  from new n full join old o
    on o.month = n.month and o.user_id = n.user_id and o.level = n.level and o.gender is not distinct from n.gender
)
insert into dw.agg_user_month (month, user_id, level, gender, days)
select month, user_id, level, gender, days from flipped where days <> 0
on conflict (month, user_id, level, gender) do update set days = dw.agg_user_month.days # excluded.days
