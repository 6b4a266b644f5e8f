-- Statistics of the freshly staged rows, so the transforms plan hash joins on their real size (an unanalyzed staging
-- table looks empty and draws nested loops of index probes, one per staged event).
analyze dw.stg_event (topic, hour, user_id, session_id)
