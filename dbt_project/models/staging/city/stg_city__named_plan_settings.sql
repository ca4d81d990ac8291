-- City SEN2 module 4b: the settings named in a plan.

with

source as (

    select * from {{ source('raw', 'city_plandetail') }}

),

renamed as (

    select
        {{ record_id('city', 'plan_setting', 'plandetailtableid') }} as plan_setting_id,
        {{ record_id('city', 'plan', 'namedplantableid') }} as plan_id,
        'city' as source,
        'city_plandetail' as source_table,
        plandetailtableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ clean_text('urn') }} as urn,
        {{ clean_text('ukprn') }} as ukprn,
        {{ normalise_code('sensetting') }} as sen_setting,
        {{ clean_text('sensettingother') }} as sen_setting_other,
        try_cast(placementrank as integer) as placement_rank,
        {{ one_zero('senunitindicator') }} as sen_unit,
        {{ one_zero('resourcedprovisionindicator') }} as resourced_provision,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
