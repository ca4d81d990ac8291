-- City high-needs top-up funding lines (element 3). Lines carry pupil details but no person key.

with

source as (

    select * from {{ source('raw', 'city_topup_funding') }}

),

renamed as (

    select
        {{ record_id('city', 'topup_funding_line', 'fundinglineid') }} as funding_line_id,
        'city' as source,
        'city_topup_funding' as source_table,
        fundinglineid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        cast(null as string) as person_record_id,  -- the city file has no person key
        {{ normalise_code('upn') }} as upn,
        {{ clean_text('forename') }} as forename,
        {{ clean_text('surname') }} as surname,
        {{ parse_iso_date('dob') }} as dob,
        {{ clean_text('urn') }} as urn,
        {{ normalise_code('band') }} as band,
        {{ parse_iso_date('periodstart') }} as period_start,
        {{ parse_iso_date('periodend') }} as period_end,
        {{ parse_gbp('annualamountgbp') }} as annual_amount_gbp,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
