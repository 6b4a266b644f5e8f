-- Benchmark: forgets that the hours from $1 on were loaded, so the next incremental load replaces them (as it would
-- after late events changed their manifests), on a warehouse that holds the whole period.
delete from dw.load_state where hour >= $1
