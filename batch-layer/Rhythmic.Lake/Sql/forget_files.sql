-- Removes the manifest rows of files found missing from the lake (`rhythmic lake verify --forget-missing`). $1 paths.
delete from lake.files where path = any($1)
