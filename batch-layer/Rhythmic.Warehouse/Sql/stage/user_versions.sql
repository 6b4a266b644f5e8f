-- The dim_user rows of the users a load touches (dw.stg_user), as the fact pass resolves them: valid_from and
-- valid_to in Unix microseconds (valid_to 'infinity' as the largest bigint), in (user_id, valid_from) order.
select d.user_id,
       (extract(epoch from d.valid_from) * 1000000)::bigint as valid_from_us,
       case when d.valid_to = 'infinity' then 9223372036854775807 else (extract(epoch from d.valid_to) * 1000000)::bigint end as valid_to_us,
       d.user_key,
       d.gender
from dw.dim_user d
join dw.stg_user s on s.user_id = d.user_id
order by d.user_id, d.valid_from
