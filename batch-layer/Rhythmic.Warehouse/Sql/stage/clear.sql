-- Empties staging, before a load stages its hours and after they are built, so the unlogged tables hold nothing between loads.
truncate dw.stg_song, dw.stg_place, dw.stg_user_agent, dw.stg_hour, dw.stg_user, dw.stg_user_version, dw.stg_user_remap,
         dw.stg_session, dw.stg_session_part, dw.stg_window, dw.stg_day, dw.stg_user_version_new;
