-- Staging carries each event's UTC hour, date key and time key, computed by the loader while it writes the COPY, so
-- the transforms join staging to dw.stg_hour on a plain column and project the keys instead of computing a time-zone
-- conversion per row and per statement.
alter table dw.stg_event add column hour timestamptz, add column date_key bigint, add column time_key bigint;
