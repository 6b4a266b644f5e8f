-- Model: agg_artist_day. Grain: one row per UTC date of the replaced hours and artist. Key: (day, artist).
-- Summed from agg_song_day, complete for those dates once day_aggregates_dates and the fact pass's counts are in.
with songs as (
  select a.day, s.artist, a.plays from dw.agg_song_day a join dw.dim_song s using (song_key)
  where a.day = any (array(select day from dw.stg_day))
)
insert into dw.agg_artist_day (day, artist, plays)
select day, artist, sum(plays) from songs group by day, artist
