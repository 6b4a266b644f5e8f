-- Statistics of the freshly staged rows, so the transforms plan hash joins on their real size (an unanalyzed staging
-- table looks empty and draws nested loops of index probes, one per staged event). Only the columns the transforms
-- join or filter on: the row count is what matters.
analyze dw.stg_event (topic, hour, user_id, session_id, song_ref, place_ref);
analyze dw.stg_song (song_ref);
analyze dw.stg_place (place_ref)
