-- City SEN2 module 4a: EHC plans. The person is reached through assessment → request, so the
-- parent ids are kept and the person is attached in the intermediate layer.

with

source as (

    select * from {{ source('raw', 'city_namedplan') }}

),

renamed as (

    select
        {{ record_id('city', 'plan', 'namedplantableid') }} as plan_id,
        {{ record_id('city', 'assessment', 'assessmenttableid') }} as assessment_id,
        'city' as source,
        'city_namedplan' as source_table,
        namedplantableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ parse_blade_date('startdate') }} as start_date,
        {{ parse_blade_date('ceasedate') }} as cease_date,
        {{ clean_text('ceasereason') }} as cease_reason,
        -- SEN2 records transfers in on the active plan (module 5a), not here.
        cast(null as string) as transferred_from_la,
        {{ one_zero('pb') }} as personal_budget,
        {{ one_zero('oa') }} as personal_budget_organised_arrangements,
        {{ one_zero('dp') }} as personal_budget_direct_payments,
        {{ one_zero('planres') }} as residential,
        {{ one_zero('planwbp') }} as work_based_learning,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
