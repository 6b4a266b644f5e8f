-- Binds the manifest to a lake directory unless one is bound already (two binders at once: the first wins).
-- $1 lake id, $2 absolute root.
insert into lake.root (lake_id, root) values ($1, $2) on conflict (only_row) do nothing
