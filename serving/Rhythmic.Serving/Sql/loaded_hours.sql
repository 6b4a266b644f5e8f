-- The hours of [@from, @to) the warehouse has loaded (the batch view's), and the end of the last loaded hour of all.
-- Grain: one row per loaded hour of the window (batch_through repeated), or one row with hour null when none is.
select l.hour, b.batch_through
from (select max(hour) + interval '1 hour' as batch_through from dw.load_state) b
left join dw.load_state l on l.hour >= date_trunc('hour', @from::timestamptz, 'UTC') and l.hour < @to
order by l.hour
