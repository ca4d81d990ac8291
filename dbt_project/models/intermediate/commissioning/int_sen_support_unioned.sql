-- Pupils on SEN support (school census provision K) on the two councils' lists, with their child.

with

crosswalk as (

    select record_id, child_key from {{ ref('int_child_key_crosswalk') }}

),

unioned as (

    select *, 'city' as council from {{ ref('stg_city__sen_support_pupils') }}
    union all
    select *, 'county' as council from {{ ref('stg_county__sen_support_pupils') }}

),

final as (

    select
        unioned.pupil_record_id,
        crosswalk.child_key,
        unioned.council,
        unioned.la_code,
        unioned.census_date,
        unioned.urn,
        unioned.primary_need,
        unioned.secondary_need

    from unioned
    left join crosswalk on crosswalk.record_id = unioned.pupil_record_id

)

select * from final
