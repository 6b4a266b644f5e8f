-- Settings of a load transaction. Its commit need not wait for the WAL flush: a load lost to a crash is simply loaded
-- again (dw.load_state commits with the facts), and it stays atomic. Sorts and hashes of a day of events fit in memory.
set local synchronous_commit = off;
set local work_mem = '256MB'
