-- The platform's schemas: one per layer.
--   serving : the speed layer's minute aggregates, offsets and dead letters (design.md §4)
--   lake    : the lander's manifest of Parquet files and its offsets (design.md §5)
--   dw      : the star-schema warehouse (design.md §5)
--   ops     : orchestration (job runs, scheduler tables) and reconciliation results
create schema if not exists serving;
create schema if not exists lake;
create schema if not exists dw;
create schema if not exists ops;
