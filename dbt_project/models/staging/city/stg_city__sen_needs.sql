-- City SEN2 module 5c: special educational needs of an active plan, ranked.

with

source as (

    select * from {{ source('raw', 'city_senneed') }}

),

renamed as (

    select
        {{ record_id('city', 'sen_need', 'senneedtableid') }} as sen_need_id,
        {{ record_id('city', 'active_plan', 'activeplanstableid') }} as active_plan_id,
        'city' as source,
        'city_senneed' as source_table,
        senneedtableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ normalise_code('sentype') }} as sen_type,
        try_cast(sentyperank as integer) as sen_type_rank,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
