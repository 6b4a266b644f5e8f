-- Analyzes the warehouse tables and partitions changed since their last analyze.
select ops.analyze_modified('dw');
