-- The floor under a warehouse load: PostgreSQL's own COPY of fact rows from a local binary file, with no client,
-- no Parquet and no transforms. A load cannot write its facts faster than this on the same server.
-- Run it against a loaded warehouse, e.g. the one `rhythmic bench warehouse --keep DIR` keeps (DEVELOPERS.md):
--   psql -h 127.0.0.1 -p PORT -U rhythmic -d bench -f tools/postgres/copy_floor.sql
-- The server writes and reads the files in /tmp (server-side COPY: the user must be a superuser, as rhythmic is on
-- the embedded cluster). Nothing in dw is changed; the scratch tables are rolled back or dropped.
\set ON_ERROR_STOP on
-- The day: the second loaded (the benchmark's "second day" incremental load).
select date_key as day from dw.dim_date where date = (select min(date) + 1 from dw.dim_date) \gset
\echo 'exporting the page views and listens of' :day 'and of the whole period (not timed)'
copy (select * from dw.fact_page_view where date_key = :day) to '/tmp/rhythmic_floor_pv_day.bin' (format binary);
copy (select * from dw.fact_listen where date_key = :day) to '/tmp/rhythmic_floor_li_day.bin' (format binary);
copy (select * from dw.fact_page_view) to '/tmp/rhythmic_floor_pv_all.bin' (format binary);
copy (select * from dw.fact_listen) to '/tmp/rhythmic_floor_li_all.bin' (format binary);

-- A day appended to tables that already exist, with their BRIN index on ts, as an incremental load appends to the
-- month's partitions: the rows are WAL-logged. The tables are created and committed first, so they are not new.
create table public.floor_pv (like dw.fact_page_view);
create index on public.floor_pv using brin (ts);
create table public.floor_li (like dw.fact_listen);
create index on public.floor_li using brin (ts);
checkpoint;
\timing on
\echo 'a day appended to existing tables (WAL-logged, BRIN maintained):'
begin;
copy public.floor_pv from '/tmp/rhythmic_floor_pv_day.bin' (format binary);
copy public.floor_li from '/tmp/rhythmic_floor_li_day.bin' (format binary);
commit;
\timing off
drop table public.floor_pv, public.floor_li;

-- The whole period into tables created in the same transaction, without indexes, as the full load writes its
-- partitions: with wal_level = minimal the rows skip the WAL and are synced at commit.
checkpoint;
\timing on
\echo 'the whole period into new tables (no WAL under wal_level = minimal, no index):'
begin;
create table public.floor_pv (like dw.fact_page_view);
create table public.floor_li (like dw.fact_listen);
copy public.floor_pv from '/tmp/rhythmic_floor_pv_all.bin' (format binary);
copy public.floor_li from '/tmp/rhythmic_floor_li_all.bin' (format binary);
commit;
\timing off
drop table public.floor_pv, public.floor_li;
\! rm -f /tmp/rhythmic_floor_pv_day.bin /tmp/rhythmic_floor_li_day.bin /tmp/rhythmic_floor_pv_all.bin /tmp/rhythmic_floor_li_all.bin
