-- Removes every fact of the replaced hours (dw.stg_hour); the facts are rebuilt from staging afterwards.
-- The bounds are the first and the end of the last replaced hour, as constants of the statement (init plans), so the
-- ts BRIN index of each partition reads only their page ranges; the hour test then keeps the replaced hours alone.
-- (A join on stg_hour instead let the planner scan the whole partition once per hour, or every row against stg_hour.)
delete from dw.fact_listen f
where f.ts >= (select min(hour) from dw.stg_hour) and f.ts < (select max(hour) + interval '1 hour' from dw.stg_hour)
  and date_trunc('hour', f.ts, 'UTC') = any (array(select hour from dw.stg_hour));
delete from dw.fact_page_view f
where f.ts >= (select min(hour) from dw.stg_hour) and f.ts < (select max(hour) + interval '1 hour' from dw.stg_hour)
  and date_trunc('hour', f.ts, 'UTC') = any (array(select hour from dw.stg_hour));
delete from dw.fact_auth f
where f.ts >= (select min(hour) from dw.stg_hour) and f.ts < (select max(hour) + interval '1 hour' from dw.stg_hour)
  and date_trunc('hour', f.ts, 'UTC') = any (array(select hour from dw.stg_hour));
delete from dw.fact_level_change f
where f.ts >= (select min(hour) from dw.stg_hour) and f.ts < (select max(hour) + interval '1 hour' from dw.stg_hour)
  and date_trunc('hour', f.ts, 'UTC') = any (array(select hour from dw.stg_hour));
