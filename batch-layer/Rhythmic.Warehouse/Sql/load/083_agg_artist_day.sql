-- Model: agg_artist_day. Grain: one row per UTC date of the replaced hours and artist. Key: (day, artist).
-- Summed from agg_song_day, complete for those dates once 081 and the fact pass's counts are in.
with songs as (
  select a.day, s.artist, a.plays from dw.agg_song_day a join dw.stg_day d on d.day = a.day join dw.dim_song s using (song_key)
)
insert into dw.agg_artist_day (day, artist, plays)
select day, artist, sum(plays) from songs group by day, artist
