-- Model: agg_minute. Grain: one row per UTC minute of the replaced hours with any event. Key: minute.
-- The replaced hours' minutes hold only their facts, which the fact pass counted: their old rows go, and the pass's
-- counts are copied in after this.
delete from dw.agg_minute a using dw.stg_hour h where a.minute >= h.hour and a.minute < h.hour + interval '1 hour'
