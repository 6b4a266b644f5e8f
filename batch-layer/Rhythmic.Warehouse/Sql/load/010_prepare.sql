-- Model: prepare. Extends dim_date to the loaded dates and creates the fact partitions they need.
-- Input: dw.stg_hour (the hours this load replaces).
with batch as (
  select min(hour) as first_hour, max(hour) as last_hour from dw.stg_hour
),
days as (
  select (first_hour at time zone 'UTC')::date as first_day, (last_hour at time zone 'UTC')::date as last_day
  from batch where first_hour is not null
),
dates as (
  select dw.ensure_dates(first_day, last_day) as added, first_day, last_day from days
)
select dw.ensure_fact_partitions(first_day, last_day), added from dates
