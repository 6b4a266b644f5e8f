-- Records one difference of run $1: measure $2, minute $3, key $4, speed value $5, warehouse value $6, late events $7.
insert into ops.reconcile_difference (run_id, measure, minute, key, speed_value, warehouse_value, late_events)
values ($1, $2, $3, $4, $5, $6, $7)
