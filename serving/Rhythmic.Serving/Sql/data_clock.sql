-- The speed view's clock: the newest minute any event fell in (page views are every event), or null when empty.
-- Grain: one row.
select max(minute) as newest_minute from serving.page_views_minute
