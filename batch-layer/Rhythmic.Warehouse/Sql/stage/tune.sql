-- Settings of a load transaction. Its commit need not wait for the WAL flush: a load lost to a crash is simply loaded
-- again (dw.load_state commits with the facts), and it stays atomic. Sorts and hashes of a day of events fit in memory.
set local synchronous_commit = off;
set local work_mem = '256MB';
-- The tables a load probes are cached or on SSD: an index probe costs about as much as a sequential page read. At the
-- default of 4, the planner hashed all of fact_session (950k rows, 0.4 s) to match a day's 19k sessions instead of
-- probing its primary key (0.1 s).
set local random_page_cost = 1.1;
-- A stock PostgreSQL compiles a statement whose estimated cost passes jit_above_cost: a guarded statement that reads
-- nothing (055 with nothing to remap) spent 0.19 s compiling. The embedded cluster runs with jit off; so do loads.
set local jit = off
