-- County casework PlanSettings sheet: the settings named in a plan.

with

source as (

    select * from {{ source('raw', 'county_plan_settings') }}

),

renamed as (

    select
        {{ record_id('county', 'plan_setting', 'plansettingid') }} as plan_setting_id,
        {{ record_id('county', 'plan', 'planid') }} as plan_id,
        'county' as source,
        'county_plan_settings' as source_table,
        plansettingid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ clean_text('urn') }} as urn,
        {{ clean_text('ukprn') }} as ukprn,
        {{ normalise_code('settingcode') }} as sen_setting,
        try_cast(rank as integer) as placement_rank,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
