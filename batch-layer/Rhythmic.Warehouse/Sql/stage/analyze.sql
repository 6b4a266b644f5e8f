-- Statistics of the freshly staged rows, so the dimension models plan hash joins on their real size (an unanalyzed
-- staging table looks empty and draws nested loops of index probes).
analyze dw.stg_user (user_id);
analyze dw.stg_song (song_ref);
analyze dw.stg_place (place_ref);
analyze dw.stg_user_agent (user_agent_key)
