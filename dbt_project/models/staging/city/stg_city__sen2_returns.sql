-- City SEN2 module 0: the return's header, one row per export in force.

with

source as (

    select * from {{ source('raw', 'city_sen2') }}

),

final as (

    select
        {{ record_id('city', 'sen2_return', 'sen2tableid') }} as sen2_return_id,
        'city' as source,
        {{ clean_text('collection') }} as collection,
        cast({{ clean_text('year') }} as integer) as collection_year,
        {{ parse_blade_date('referencedate') }} as reference_date,
        {{ clean_text('lea') }} as la_code,
        {{ clean_text('softwarecode') }} as software_code,
        {{ clean_text('release') }} as software_release,
        _source_file as source_file,
        _extract_date as extract_date,
        _load_id as load_id

    from source

)

select * from final
