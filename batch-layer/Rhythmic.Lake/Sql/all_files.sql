-- Every committed file of the manifest, for `rhythmic lake verify`.
select path, row_count, bytes from lake.files order by path
