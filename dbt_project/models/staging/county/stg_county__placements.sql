-- County casework Placements sheet: the settings a child actually attends under a plan.

with

source as (

    select * from {{ source('raw', 'county_placements') }}

),

renamed as (

    select
        {{ record_id('county', 'placement', 'placementid') }} as placement_id,
        {{ record_id('county', 'plan', 'planid') }} as plan_id,
        'county' as source,
        'county_placements' as source_table,
        placementid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ clean_text('urn') }} as urn,
        {{ clean_text('ukprn') }} as ukprn,
        {{ normalise_code('settingcode') }} as sen_setting,
        {{ parse_uk_date('startdate') }} as entry_date,
        {{ parse_uk_date('enddate') }} as leaving_date,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
