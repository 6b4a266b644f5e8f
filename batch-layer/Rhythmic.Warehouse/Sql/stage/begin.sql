-- Records the hours this load replaces ($1: timestamptz[]); staging is empty (stage/clear.sql ran first).
insert into dw.stg_hour (hour) select distinct unnest($1::timestamptz[])
