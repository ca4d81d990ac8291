-- County casework Needs sheet: special educational needs of a plan, county need codes and ranks
-- translated to SEN2 SEN types and ranks.

with

source as (

    select * from {{ source('raw', 'county_needs') }}

),

need_codes as (

    select county_need_code, sen_type from {{ ref('county_need_code') }}

),

need_ranks as (

    select county_need_rank, sen_type_rank from {{ ref('county_need_rank') }}

),

renamed as (

    select
        {{ record_id('county', 'sen_need', 'needid') }} as sen_need_id,
        {{ record_id('county', 'plan', 'planid') }} as plan_id,
        'county' as source,
        'county_needs' as source_table,
        needid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ normalise_code('needcode') }} as need_code,
        {{ clean_text('needrank') }} as need_rank,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.sen_need_id,
        renamed.plan_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        need_codes.sen_type,
        need_ranks.sen_type_rank,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join need_codes on renamed.need_code = need_codes.county_need_code
    left join need_ranks on renamed.need_rank = need_ranks.county_need_rank

)

select * from final
