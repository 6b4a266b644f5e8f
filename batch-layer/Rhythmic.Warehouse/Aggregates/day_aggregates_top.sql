-- Model: agg_song_day_top of the dates day_aggregates_rebuild.sql rebuilt, from their agg_song_day rows: the top $1
-- songs a day (BatchAggregates.TopSongsPerDay, which the fact pass keeps for the covered dates), most played first,
-- then by song key (the order of dw.top_songs).
with ranked as (
  select a.day, a.song_key, a.plays, row_number() over (partition by a.day order by a.plays desc, a.song_key) as rank
  from dw.agg_song_day a
  where a.day = any (array(select day from dw.stg_day where not covered))
)
insert into dw.agg_song_day_top (day, rank, song_key, plays)
select day, rank, song_key, plays from ranked where rank <= $1
