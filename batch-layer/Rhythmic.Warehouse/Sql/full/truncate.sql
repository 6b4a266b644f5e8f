-- Empties every table a full load rebuilds (dim_date and dim_time are kept: they depend on no event).
truncate dw.fact_listen, dw.fact_page_view, dw.fact_auth, dw.fact_level_change, dw.fact_session, dw.user_level_run,
         dw.agg_minute, dw.agg_hour, dw.agg_song_day, dw.agg_artist_day, dw.agg_location_day, dw.agg_user_day,
         dw.agg_song_day_top, dw.agg_song_month, dw.agg_user_month, dw.agg_day_users, dw.agg_session_hour,
         dw.dim_user, dw.dim_song, dw.dim_location, dw.dim_user_agent, dw.load_state;
insert into dw.dim_user values (0, null, null, null, null, null, null, '-infinity', 'infinity', true);
insert into dw.dim_song values (0, null, null, null);
insert into dw.dim_user_agent values (0, null, null, null, null);
