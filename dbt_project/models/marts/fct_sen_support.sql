-- One row per child on a council's SEN support list at the census: the council, the need and
-- the school (URN).

with

-- every pupil on the lists, including those who could not be identified (child_identified):
-- each such record is a row of its own
pupils as (select * from {{ ref('int_sen_support_unioned') }}),

final as (

    select
        child_key,
        child_key is not null as child_identified,
        council,
        census_date,
        {{ first_by('primary_need', [('pupil_record_id', 'asc')]) }} as primary_need,
        {{ first_by('secondary_need', [('pupil_record_id', 'asc')]) }} as secondary_need,
        {{ first_by('urn', [('pupil_record_id', 'asc')]) }} as urn,
        count(*) as list_entries

    from pupils
    group by child_key, council, census_date,
        case when child_key is null then pupil_record_id end

)

select * from final
