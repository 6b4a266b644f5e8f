-- The bound lake (same id, read from its marker) was found at a new path. $1 lake id, $2 absolute root.
update lake.root set root = $2, moved_at = now() where lake_id = $1
