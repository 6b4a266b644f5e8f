-- The warehouse is empty when no full load ever succeeded and the listen facts (if the table exists) hold no row.
-- query_to_xml defers parsing the count until the table is known to exist.
select not exists (select 1 from ops.job_runs where job = 'full-load' and status = 'succeeded')
  and case
        when to_regclass('dw.fact_listen') is null then true
        else (xpath('/row/n/text()', query_to_xml('select count(*) as n from (select 1 from dw.fact_listen limit 1) s', false, true, '')))[1]::text = '0'
      end;
