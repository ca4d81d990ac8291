-- City SEN2 module 5b: the settings a child actually attends under an active plan.

with

source as (

    select * from {{ source('raw', 'city_placementdetail') }}

),

renamed as (

    select
        {{ record_id('city', 'placement', 'placementdetailtableid') }} as placement_id,
        {{ record_id('city', 'active_plan', 'activeplanstableid') }} as active_plan_id,
        'city' as source,
        'city_placementdetail' as source_table,
        placementdetailtableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ clean_text('urn') }} as urn,
        {{ clean_text('ukprn') }} as ukprn,
        {{ normalise_code('sensetting') }} as sen_setting,
        {{ clean_text('sensettingother') }} as sen_setting_other,
        try_cast(placementrank as integer) as placement_rank,
        {{ parse_blade_date('entrydate') }} as entry_date,
        {{ parse_blade_date('leavingdate') }} as leaving_date,
        {{ one_zero('senunitindicator') }} as sen_unit,
        {{ one_zero('resourcedprovisionindicator') }} as resourced_provision,
        {{ one_zero('res') }} as residential,
        {{ one_zero('wbp') }} as work_based_learning,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
