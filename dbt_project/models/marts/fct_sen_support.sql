-- One row per child on a council's SEN support list at the census: the council, the need and
-- the school (URN).

with

pupils as (select * from {{ ref('int_sen_support_unioned') }} where child_key is not null),

final as (

    select
        child_key,
        council,
        census_date,
        first(primary_need order by pupil_record_id) as primary_need,
        first(secondary_need order by pupil_record_id) as secondary_need,
        first(urn order by pupil_record_id) as urn,
        count(*) as list_entries

    from pupils
    group by child_key, council, census_date

)

select * from final
