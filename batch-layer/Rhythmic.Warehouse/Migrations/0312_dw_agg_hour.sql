-- The hourly totals the serving API reads for history at hour grain and wider (issue 16): a month is 720 rows instead
-- of 43,200 minutes. Each load rebuilds the rows of the hours it replaces from agg_minute (load/080_agg_hour.sql).
-- Grain: one row per UTC hour with any event. Key: hour.
create table dw.agg_hour (
  hour             timestamptz primary key,
  plays            bigint not null,
  page_views       bigint not null,
  login_attempts   bigint not null,
  logins           bigint not null,
  level_changes    bigint not null,
  sessions_started bigint not null
);

insert into dw.agg_hour
select date_trunc('hour', minute, 'UTC'), sum(plays), sum(page_views), sum(login_attempts), sum(logins), sum(level_changes), sum(sessions_started)
from dw.agg_minute
group by 1;
