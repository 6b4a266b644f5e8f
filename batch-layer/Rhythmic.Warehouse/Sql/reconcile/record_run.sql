-- Records one reconcile run of hour $1 with $2 differences; returns its run_id.
insert into ops.reconcile_run (hour, differences) values ($1, $2) returning run_id
