-- The lake directory this manifest describes (migration 0202), or no row when none is bound yet.
select lake_id, root from lake.root
