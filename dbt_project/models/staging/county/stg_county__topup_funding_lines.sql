-- County high-needs top-up funding lines (element 3); amounts arrive as '£12,345.00'.

with

source as (

    select * from {{ source('raw', 'county_topup_funding') }}

),

renamed as (

    select
        {{ record_id('county', 'topup_funding_line', 'fundingref') }} as funding_line_id,
        'county' as source,
        'county_topup_funding' as source_table,
        fundingref as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ record_id('county', 'person', 'clientid') }} as person_record_id,
        {{ normalise_code('upn') }} as upn,
        {{ clean_text('forename') }} as forename,
        {{ clean_text('surname') }} as surname,
        {{ parse_uk_date('dob') }} as dob,
        {{ clean_text('schoolurn') }} as urn,
        {{ normalise_code('band') }} as band,
        {{ parse_uk_date('startdate') }} as period_start,
        {{ parse_uk_date('enddate') }} as period_end,
        {{ parse_gbp('annualtopup') }} as annual_amount_gbp,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
