-- Whether the warehouse holds hour $1.
select exists (select 1 from dw.load_state where hour = $1)
