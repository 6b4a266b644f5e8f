-- Model: agg_song_month. Grain: one row per month (its first date) and song. Key: (month, song_key).
-- 081 took what the replaced dates' old rows counted out; this adds their new rows of agg_song_day. When the table was
-- empty the fact pass's counts of the covered dates went straight in ($1 = true), and only the other dates are added.
insert into dw.agg_song_month (month, song_key, plays)
select date_trunc('month', a.day::timestamp)::date, a.song_key, sum(a.plays)
from dw.stg_day d join dw.agg_song_day a on a.day = d.day
where not ($1 and d.covered)
group by 1, 2
on conflict (month, song_key) do update set plays = dw.agg_song_month.plays + excluded.plays
