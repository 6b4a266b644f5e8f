-- Removes every fact of the replaced hours (dw.stg_hour); the facts are rebuilt from staging afterwards.
delete from dw.fact_listen f using dw.stg_hour h where f.ts >= h.hour and f.ts < h.hour + interval '1 hour';
delete from dw.fact_page_view f using dw.stg_hour h where f.ts >= h.hour and f.ts < h.hour + interval '1 hour';
delete from dw.fact_auth f using dw.stg_hour h where f.ts >= h.hour and f.ts < h.hour + interval '1 hour';
delete from dw.fact_level_change f using dw.stg_hour h where f.ts >= h.hour and f.ts < h.hour + interval '1 hour';
